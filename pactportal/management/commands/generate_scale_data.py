from django.core.management.base import BaseCommand, CommandError

from pactportal.scale_data import scale_data_generate, scale_data_remove


class Command(BaseCommand):
    help = (
        "Add synthetic partnerships, organisations, memberships and documents in proportion to "
        "the real data (factor 100: about 3,000 partnerships and 60,000 organisations), for "
        "benchmarks. Generated slugs start with 'scale-'; --remove deletes them again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, default=1, help="Multiple of the real data.")
        parser.add_argument("--seed", type=int, default=2020, help="Random seed (repeatable).")
        parser.add_argument(
            "--remove", action="store_true", help="Delete the generated records instead."
        )

    def handle(self, *args, factor: int, seed: int, remove: bool, **options):
        if remove:
            removed = scale_data_remove()
            for label, number in removed.items():
                self.stdout.write(f"{label}: {number:,} removed")
            return
        try:
            report = scale_data_generate(factor=factor, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Generated scale data at factor {factor}."))

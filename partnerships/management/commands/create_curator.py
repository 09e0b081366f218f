import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

CURATORS = "Curators"


class Command(BaseCommand):
    help = (
        "Create or update a curator: a staff account in the Curators group, which may edit "
        "all content and nothing about accounts. The password comes from an environment "
        "variable, or a strong one is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable instead of generating one.",
        )

    def handle(self, *args, username, email, password_from_env, **options):
        try:
            group = Group.objects.get(name=CURATORS)
        except Group.DoesNotExist:
            raise CommandError("The Curators group is missing: run 'manage.py migrate'.") from None

        generated = password_from_env is None
        if generated:
            password = secrets.token_urlsafe(18)
        else:
            password = os.environ.get(password_from_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_from_env} is empty.")

        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        with transaction.atomic():
            created = user.pk is None
            user.email = email or user.email
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.add(group)

        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} curator “{username}”."))
        if generated:
            self.stdout.write(f"Password (shown once): {password}")

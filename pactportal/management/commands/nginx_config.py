import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEPLOY_DIR = Path(settings.BASE_DIR) / "deploy"
TEMPLATE = DEPLOY_DIR / "nginx" / "pactportal.conf.template"
PLACEHOLDER = re.compile(r"\$\{(NGINX_[A-Z_]+)\}")
# Room above the largest document for the rest of the admin form that uploads it.
FORM_OVERHEAD_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Print the portal's nginx configuration (deploy/nginx/pactportal.conf.template) for "
        "these settings: static and media folders, languages and upload limit come from them, "
        "the rest from the options. Include the output in nginx's http {} block."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--upstream",
            action="append",
            metavar="ADDRESS",
            help="A gunicorn instance, as nginx names it (unix:/run/pactportal/gunicorn.sock, "
            "10.0.0.2:8000); repeat for each. Default: unix:/run/pactportal/gunicorn.sock.",
        )
        parser.add_argument(
            "--listen-conf",
            default=str(DEPLOY_DIR / "nginx" / "listen-tls.conf"),
            help="File with the listen directives (and TLS settings). Default: HTTPS on 443.",
        )
        parser.add_argument("--server-name", default=" ".join(settings.ALLOWED_HOSTS))
        parser.add_argument("--cache-dir", default="/var/cache/nginx/pactportal")
        parser.add_argument(
            "--microcache-seconds",
            type=int,
            default=5,
            help="How long nginx keeps an anonymous page. Default: 5.",
        )
        parser.add_argument("--output", help="Write here instead of standard output.")

    def handle(self, *args, upstream, listen_conf, server_name, cache_dir, **options):
        if options["microcache_seconds"] < 1:
            raise CommandError("--microcache-seconds must be at least 1.")
        if not server_name.strip():
            raise CommandError("No server name: set ALLOWED_HOSTS or pass --server-name.")
        languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
        static_url = "/" + settings.STATIC_URL.strip("/") + "/"
        values = {
            "NGINX_UPSTREAM_SERVERS": "\n".join(
                f"    server {address} max_fails=1 fail_timeout=5s;"
                for address in upstream or ["unix:/run/pactportal/gunicorn.sock"]
            ),
            "NGINX_CACHE_DIR": cache_dir,
            "NGINX_LANGUAGE_PREFIXES": f"~^/({languages})/",
            "NGINX_LISTEN_CONF": listen_conf,
            "NGINX_SERVER_NAME": server_name.replace(",", " "),
            "NGINX_MAX_BODY_SIZE": str(settings.DOCUMENT_MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES),
            "NGINX_STATIC_URL": static_url,
            "NGINX_STATIC_ROOT": str(settings.STATIC_ROOT),
            "NGINX_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            # Unused while the portal streams documents itself, and ready when it hands over.
            "NGINX_DOCUMENTS_LOCATION": settings.DOCUMENT_ACCEL_REDIRECT or "/_documents/",
            "NGINX_DEPLOY_DIR": str(DEPLOY_DIR),
            "NGINX_MICROCACHE_SECONDS": str(options["microcache_seconds"]),
        }
        text = PLACEHOLDER.sub(lambda match: values[match[1]], TEMPLATE.read_text())
        if options["output"]:
            Path(options["output"]).write_text(text)
        else:
            self.stdout.write(text, ending="")

import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...dashboard.manifest import build_manifest, manifest_url
from ...saleor_host.routes import ROUTE_PREFIX


class Command(BaseCommand):
    help = (
        "Install (or update) the distribution pages in Saleor's dashboard: the App of "
        "<prefix>/dashboard/manifest.json with its four extensions, validated by Saleor's own "
        "manifest checks, without Saleor fetching the manifest over HTTP. Safe to run again: "
        "nothing changes when nothing has. Prints the App's id."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-url",
            help="The address staff's browsers reach Saleor's API at, e.g. https://api.shop.cn "
            "(default: Saleor's PUBLIC_URL). The pages' URLs in the dashboard start with it.",
        )

    def handle(self, *args, **options):
        if importlib.util.find_spec("saleor") is None:
            raise CommandError("wfx_install_dashboard runs inside Saleor (manage.py of Saleor).")
        from ...saleor_host.dashboard_app import DashboardInstallError, install_dashboard_app

        public_url = options.get("public_url") or getattr(settings, "PUBLIC_URL", None)
        if not public_url:
            raise CommandError(
                "Saleor's PUBLIC_URL is not set: give the address with --public-url "
                "https://api.example.com"
            )
        if not public_url.startswith(("http://", "https://")):
            raise CommandError(f"--public-url {public_url!r} must start with https:// or http://")
        base_url = public_url.rstrip("/") + ROUTE_PREFIX
        try:
            result = install_dashboard_app(build_manifest(base_url), manifest_url(base_url))
        except DashboardInstallError as error:
            raise CommandError(f"Saleor refused the manifest: {error}") from None
        if result.created:
            self.stderr.write("Installed the dashboard app.")
        elif result.changes:
            self.stderr.write("Updated: " + "; ".join(result.changes))
        else:
            self.stderr.write("Already installed; nothing changed.")
        self.stdout.write(result.app_id)

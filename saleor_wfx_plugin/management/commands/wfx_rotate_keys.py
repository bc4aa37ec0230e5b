from django.core.management.base import BaseCommand, CommandError

from ...encryption import SETTING, EncryptionNotConfigured, configured_keys
from ...services.distributors import DistributorError
from ...services.key_rotation import DEFAULT_BATCH_SIZE, rotate_keys


class Command(BaseCommand):
    help = (
        f"Re-encrypt every resident ID number and payee account under the first key of "
        f"{SETTING} (and re-hash the ID numbers), so older keys can be removed. Rotation: put a "
        "new key first, run this, check with --check, then drop the old key. Safe to run while "
        "the shop is running, and again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; count the values not yet under the first key and exit 1 if "
            "there are any (an old key is still needed).",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args, check, batch_size, **options):
        if batch_size <= 0:
            raise CommandError("--batch-size must be positive.")
        try:
            report = rotate_keys(check_only=check, batch_size=batch_size)
        except (EncryptionNotConfigured, DistributorError) as error:
            raise CommandError(str(error)) from None
        keys = len(configured_keys())
        if check:
            if report.total:
                raise CommandError(
                    f"{report.identities} ID numbers and {report.accounts} payee accounts are "
                    "not under the first key yet: run wfx_rotate_keys before removing a key."
                )
            others = f"; the other {keys - 1} key(s) can be removed" if keys > 1 else ""
            self.stdout.write(f"Everything is under the first key{others}.")
            return
        self.stdout.write(
            f"Re-encrypted {report.identities} ID numbers and {report.accounts} payee accounts "
            f"under the first of {keys} key(s)."
        )

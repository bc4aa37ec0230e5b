"""Where the programme keeps files: applicants' documents (personal data) and share posters.

Both live in a *private* storage, never under Saleor's public media URL: documents leave it only
through short-lived signed links that staff with the permission receive, posters through the
plugin's own route. A merchant on S3 names a private bucket's storage alias in
`WFX_PRIVATE_STORAGE` (a key of Django's `STORAGES`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


def private_storage() -> Storage:
    alias = getattr(settings, "WFX_PRIVATE_STORAGE", None)
    if alias:
        return storages[alias]
    return _local_private_storage(str(private_media_root()))


def private_media_root() -> Path:
    configured = getattr(settings, "WFX_PRIVATE_MEDIA_ROOT", None)
    if configured:
        return Path(configured)
    # Beside Saleor's project, outside MEDIA_ROOT, so no web server serves it by accident.
    return Path(getattr(settings, "PROJECT_ROOT", Path.cwd())) / "wfx-private"


@cache
def _local_private_storage(location: str) -> Storage:
    return FileSystemStorage(location=location, base_url=None, file_permissions_mode=0o600)


class LazyPrivateStorage(LazyObject):
    """What model fields hold. Django resolves a field's storage once, when models load; this
    resolves it on first use instead, and again whenever the settings naming it change."""

    def _setup(self) -> None:
        self._wrapped = private_storage()


lazy_private_storage = LazyPrivateStorage()


@receiver(setting_changed)
def _forget_resolved_storage(*, setting: str, **kwargs: object) -> None:
    if setting in {"WFX_PRIVATE_STORAGE", "WFX_PRIVATE_MEDIA_ROOT", "STORAGES", "PROJECT_ROOT"}:
        lazy_private_storage._wrapped = empty

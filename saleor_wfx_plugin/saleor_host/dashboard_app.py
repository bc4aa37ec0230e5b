"""Installs the dashboard App straight into Saleor's tables, for shops whose Saleor cannot fetch
its own public URL (`appInstall` refuses loopback and private addresses by default).

It does what Saleor's `install_app` does with a fetched manifest (`saleor/app/
installation_utils.py`), after the same validation (`clean_manifest_data`, Saleor's version
checked), and keeps doing it idempotently: a second run with the same manifest changes nothing,
one with new URLs or extensions updates the App in place (keyed by the manifest's `id`, each
extension by its `identifier`). No app token is made: the pages use the staff member's
`app(id){accessToken}`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

# Fields of Saleor's App the manifest sets, as `install_app` maps them.
_APP_FIELDS = {
    "name": "name",
    "about_app": "about",
    "data_privacy_url": "dataPrivacyUrl",
    "homepage_url": "homepageUrl",
    "support_url": "supportUrl",
    "app_url": "appUrl",
    "version": "version",
    "author": "author",
    "audience": "audience",
}


class DashboardInstallError(Exception):
    """Saleor's validation refused the manifest; the message lists its errors."""


@dataclass
class InstallResult:
    app_id: str  # the App's global id, as Saleor's API and dashboard name it
    created: bool
    changes: list[str] = field(default_factory=list)


def validated_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """Saleor's own manifest checks: structure, permissions (none it would refuse an app),
    extension URLs, mounts, targets and permissions, identifiers, the Saleor version range.
    Returns Saleor's cleaned copy (permissions as Permission rows, mounts lower-case)."""
    from django.core.exceptions import ValidationError
    from saleor.app.manifest_validations import clean_manifest_data

    cleaned = copy.deepcopy(manifest)
    # Saleor refuses a manifest whose id an installed app already has; that is exactly the
    # app this updates, so the check runs under a name no app has, and the rest runs as usual.
    cleaned["id"] = f"{manifest['id']}.validating"
    try:
        clean_manifest_data(cleaned, raise_for_saleor_version=True)
    except ValidationError as error:
        raise DashboardInstallError(_describe(error)) from None
    cleaned["id"] = manifest["id"]
    return cleaned


def _describe(error: Any) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(message for item in errors for message in item.messages)}"
            for name, errors in error.error_dict.items()
        )
    return " ".join(error.messages)


def install_dashboard_app(manifest: dict[str, Any], manifest_url: str) -> InstallResult:
    import graphene
    from django.db import transaction
    from saleor.app.models import App
    from saleor.app.types import AppType
    from saleor.core.db.connection import allow_writer

    cleaned = validated_manifest(manifest)
    with allow_writer(), transaction.atomic():
        app = (
            App.objects.select_for_update()
            .filter(identifier=cleaned["id"], removed_at__isnull=True)
            .order_by("pk")
            .first()
        )
        created = app is None
        changes: list[str] = []
        if app is None:
            app = App.objects.create(
                identifier=cleaned["id"],
                type=AppType.THIRDPARTY,
                is_active=True,
                is_installed=True,
                manifest_url=manifest_url,
                **{name: cleaned.get(key) for name, key in _APP_FIELDS.items()},
            )
        else:
            wanted = {name: cleaned.get(key) for name, key in _APP_FIELDS.items()}
            wanted.update(type=AppType.THIRDPARTY, is_installed=True, manifest_url=manifest_url)
            changed = [name for name, value in wanted.items() if getattr(app, name) != value]
            for name in changed:
                setattr(app, name, wanted[name])
            if changed:
                app.save(update_fields=changed)
                changes += [f"app.{name}" for name in changed]
        if _set_permissions(app, cleaned["permissions"]) and not created:
            changes.append("app.permissions")
        changes += _sync_extensions(app, cleaned["extensions"], created=created)
    return InstallResult(graphene.Node.to_global_id("App", app.pk), created, changes)


def _set_permissions(owner: Any, permissions: list[Any]) -> bool:
    wanted = {permission.pk for permission in permissions}
    if set(owner.permissions.values_list("pk", flat=True)) == wanted:
        return False
    owner.permissions.set(permissions)
    return True


def _sync_extensions(app: Any, extensions: list[dict[str, Any]], *, created: bool) -> list[str]:
    from saleor.app.models import AppExtension

    changes = []
    existing = {extension.identifier: extension for extension in app.extensions.all()}
    for data in extensions:
        options = data.get("options") or {}
        method = (options.get("widgetTarget") or options.get("newTabTarget") or {}).get("method")
        wanted = {
            "label": data["label"],
            "url": data["url"],
            "mount": data["mount"],
            "target": data["target"],
            "settings": options,
            "http_target_method": method,
        }
        extension = existing.pop(data["identifier"], None)
        if extension is None:
            extension = AppExtension.objects.create(
                app=app, identifier=data["identifier"], **wanted
            )
            if not created:
                changes.append(f"extension {data['identifier']} added")
        else:
            changed = [name for name, value in wanted.items() if getattr(extension, name) != value]
            for name in changed:
                setattr(extension, name, wanted[name])
            if changed:
                extension.save(update_fields=changed)
                changes.append(f"extension {data['identifier']}: {', '.join(changed)}")
        if _set_permissions(extension, data["permissions"]) and not created:
            changes.append(f"extension {data['identifier']}: permissions")
    for identifier, extension in existing.items():
        # Left over from an older manifest (or added by hand): the dashboard would still show it.
        extension.delete()
        changes.append(f"extension {identifier} removed")
    return changes

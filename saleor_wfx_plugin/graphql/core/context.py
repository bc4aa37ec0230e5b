from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ...auth import Permission, Viewer
from ...errors import InputError
from ...models import Distributor


class PermissionDenied(Exception):
    """Raised inside a resolver; shown as a top-level error like Saleor's, with no data."""

    def __init__(self, permissions: tuple[Permission, ...] = ()):
        if permissions:
            names = ", ".join(permission.value for permission in permissions)
            message = _("You need one of the following permissions: %(names)s") % {"names": names}
        else:
            message = _("You do not have permission to perform this action")
        super().__init__(message)


@dataclass
class RequestContext:
    """`info.context` for every resolver."""

    request: HttpRequest
    viewer: Viewer
    # Absolute URL of the plugin's routes on the kept prefix, e.g.
    # https://api.example.com/plugins/global/wfx.distribution
    base_url: str
    _own_distributor: Distributor | None = None
    _own_distributor_loaded: bool = False
    cache: dict[str, Any] = field(default_factory=dict)

    def own_distributor(self) -> Distributor | None:
        if not self._own_distributor_loaded:
            self._own_distributor_loaded = True
            if self.viewer.is_customer:
                from ...services.distributors import link_account

                self._own_distributor = (
                    Distributor.objects.select_related("grade")
                    .filter(user_id=self.viewer.user_id)
                    .first()
                ) or link_account(self.viewer)
        return self._own_distributor


def context(info: Any) -> RequestContext:
    ctx: RequestContext = info.context
    return ctx


def viewer(info: Any) -> Viewer:
    return context(info).viewer


def require_permission(info: Any, permission: Permission) -> Viewer:
    current = viewer(info)
    if not current.has_perm(permission):
        raise PermissionDenied((permission,))
    return current


def require_customer(info: Any) -> Viewer:
    current = viewer(info)
    if not current.is_customer:
        raise PermissionDenied()
    return current


def active_program() -> Any:
    """The programme's settings for a mutation that needs them; a clear error while it is off."""
    from ...shop import get_shop

    program = get_shop().program_settings()
    if program is None:
        raise InputError(_("The programme is switched off."), code="program_inactive")
    return program


def is_staff_with(info: Any, permission: Permission) -> bool:
    return viewer(info).has_perm(permission)

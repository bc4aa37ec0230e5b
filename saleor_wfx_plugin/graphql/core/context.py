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
                from ...selectors.distributors import TeamCounts, distributor_of_user
                from ...services.distributors import link_account
                from ..distributors.dataloaders import TeamCountsByDistributorIdLoader

                assert self.viewer.user_id is not None
                own = distributor_of_user(self.viewer.user_id)
                if own is not None:
                    counts = TeamCounts(own.team_direct, own.team_indirect)  # type: ignore[attr-defined]
                    TeamCountsByDistributorIdLoader(self).prime(own.pk, counts)
                self._own_distributor = own or link_account(self.viewer)
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


def require_staff_user_with(info: Any, permission: Permission) -> Viewer:
    """For reads that hand out a file of accounts or ID numbers: a person answers for each
    download, so an app is refused even with the permission (services/duties.py refuses apps
    the writes)."""
    current = require_permission(info, permission)
    if current.app_id is not None:
        raise PermissionDenied()
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


# What a distributor sees instead of a staff member's or an app's id on their own records.
STAFF_ACTOR = "staff"


def shown_actor(info: Any, actor: str) -> str:
    """An audit-trail actor as this viewer may see it: staff and apps see who; a distributor
    sees themself and "system" as they are, every staff user, app or operator as "staff" (an
    id would let them find and approach the approver)."""
    current = viewer(info)
    if current.is_staff or current.app_id is not None:
        return actor
    if actor in ("", "system", current.actor):
        return actor
    return STAFF_ACTOR


def is_staff_with(info: Any, permission: Permission) -> bool:
    return viewer(info).has_perm(permission)


def limit_rate(info: Any, action: str) -> None:
    """Counts an attempt of `action` by the viewer (their account, else their address); raises
    `RateLimited` (code `rate_limited`) past the limit of `rate_limits`."""
    from ...links import client_ip
    from ...rate_limits import hit

    ctx = context(info)
    who = ctx.viewer.actor if ctx.viewer.is_authenticated else f"ip:{client_ip(ctx.request)}"
    hit(action, who)

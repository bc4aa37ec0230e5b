"""Fields of a distributor that their type alone does not protect: the type is reached from
payouts (HANDLE_PAYMENTS) and commissions (MANAGE_ORDERS) too, so each such field checks who
asks, as Saleor's `PermissionsField` does."""

from __future__ import annotations

from typing import Any

from ...auth import Permission
from ...models import Distributor
from ..core.context import PermissionDenied, context, is_staff_with

PERSONAL = (
    "Requires MANAGE_USERS, or being this distributor; refused wherever the distributor is "
    "reached (a payout's, a commission's): PermissionDenied in `errors`, the field null."
)


def require_personal_data_access(info: Any, distributor: Distributor) -> None:
    """Contact details, account and earnings are the distributor's and user managers': not for
    finance reading a payout, nor for order staff reading a commission (issue 9)."""
    if is_staff_with(info, Permission.MANAGE_USERS):
        return
    own = context(info).own_distributor()
    if own is None or own.pk != distributor.pk:
        raise PermissionDenied((Permission.MANAGE_USERS,))

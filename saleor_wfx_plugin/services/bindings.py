"""Staff changes to a customer's binding (锁粉): re-bind to another distributor, or unbind.
Each with who and why on the customer's audit trail (BindingEvent)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..domain.attribution import customer_key
from ..domain.binding import expiry
from ..domain.settings import ProgramSettings
from ..errors import DistributorError
from ..lock_objects import lock_distributor_by_code
from ..models import BindingEvent, CustomerBinding

MAX_REASON = 500
# A binding staff made has no order behind it.
_NO_ORDER = uuid.UUID(int=0)


def customer_keys(user_id: str | None, email: str | None) -> list[str]:
    """The binding keys of a customer named by staff: their Saleor user, their e-mail, or both
    (a guest's binding is kept by e-mail; one copied to their account by user)."""
    keys = [
        key for key in (customer_key(user_id, None), customer_key(None, email)) if key is not None
    ]
    if not keys:
        raise DistributorError(
            _("Name the customer by Saleor user id or e-mail."), code="required", field="userId"
        )
    return keys


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DistributorError(
            _("Say why the binding changes."), code="reason_required", field="reason"
        )
    if len(reason) > MAX_REASON:
        raise DistributorError(
            _("The reason has at most %(max_reason)s characters.") % {"max_reason": MAX_REASON},
            code="reason_too_long",
            field="reason",
        )
    return reason


@transaction.atomic
def rebind_customer(
    *,
    user_id: str | None,
    email: str | None,
    distributor_code: str,
    actor: str,
    reason: str,
    settings: ProgramSettings,
) -> list[CustomerBinding]:
    """Bind the customer to `distributor_code` from now, for as long as the binding mode gives
    (every key they are known by). Their orders from now on go to that distributor."""
    reason = _reason(reason)
    keys = customer_keys(user_id, email)
    distributor = lock_distributor_by_code(distributor_code.strip().upper())
    if distributor is None or not distributor.is_active:
        raise DistributorError(
            _("No active distributor has this code."), code="not_found", field="distributorCode"
        )
    now = timezone.now()
    bindings = []
    for key in keys:
        current = (
            CustomerBinding.objects.select_for_update(no_key=True).filter(customer_key=key).first()
        )
        if current is None and key != keys[0]:
            continue  # the e-mail key only when the customer has a binding under it
        binding, _created = CustomerBinding.objects.update_or_create(
            customer_key=key,
            defaults={
                "distributor": distributor,
                "bound_at": now,
                "expires_at": expiry(now, settings),
                "source_order_id": current.source_order_id if current else _NO_ORDER,
            },
        )
        BindingEvent.objects.create(
            customer_key=key,
            kind=BindingEvent.Kind.REBOUND,
            from_distributor_id=current.distributor_id if current else None,
            to_distributor=distributor,
            actor=actor[:128],
            reason=reason,
        )
        bindings.append(binding)
    return bindings


@transaction.atomic
def unbind_customer(*, user_id: str | None, email: str | None, actor: str, reason: str) -> int:
    """End the customer's binding now; their next referred order may bind them again. Returns
    how many bindings ended."""
    reason = _reason(reason)
    ended = 0
    for key in customer_keys(user_id, email):
        current = (
            CustomerBinding.objects.select_for_update(no_key=True).filter(customer_key=key).first()
        )
        if current is None:
            continue
        BindingEvent.objects.create(
            customer_key=key,
            kind=BindingEvent.Kind.UNBOUND,
            from_distributor_id=current.distributor_id,
            actor=actor[:128],
            reason=reason,
        )
        current.delete()
        ended += 1
    if not ended:
        raise DistributorError(_("This customer is not bound."), code="not_bound", field="userId")
    return ended

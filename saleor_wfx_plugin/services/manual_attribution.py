"""Staff attributing by hand an order that earned nothing because the programme was off when it
was placed: for the merchant who does want to pay it. Recorded with who and why."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from ..domain.attribution import (
    AttributionSource,
    Buyer,
    ReferralClaim,
    RejectionReason,
    decide_attribution,
    normalize_code,
)
from ..domain.chain import ReferralChain
from ..errors import OrderError
from ..lock_objects import lock_attribution_of_order, lock_order
from ..models import AttributionEvent, Distributor, LedgerEntry, ReferralAttribution
from ..shop import ShopBackend
from .attribution import _view
from .commissions import reconcile_order_commissions
from .distributors import clean_reason

EVENT = "attributed_by_hand"

_REFUSALS = {
    RejectionReason.MALFORMED_CODE: ("invalid_code", "{code} is not a referral code."),
    RejectionReason.UNKNOWN_CODE: ("invalid_code", "No distributor has the code {code}."),
    RejectionReason.INACTIVE_DISTRIBUTOR: (
        "inactive_distributor",
        "Distributor {code} is not active.",
    ),
    RejectionReason.SUSPENDED_DISTRIBUTOR: (
        "inactive_distributor",
        "Distributor {code} is suspended.",
    ),
    RejectionReason.SELF_PURCHASE: (
        "self_purchase",
        "The buyer is distributor {code}, and commission on own purchases is off.",
    ),
}


@dataclass
class ManualAttribution:
    attribution: ReferralAttribution
    posted: list[LedgerEntry]


def find_attribution(
    *, order_id: str | None = None, order_number: str | None = None
) -> ReferralAttribution:
    """The attribution of one order, by Saleor's order id or its number; a clear error otherwise."""
    if (order_id is None) == (order_number is None):
        raise OrderError(
            _("Give either the order's id or its number."), code="required", field="orderNumber"
        )
    if order_id is not None:
        try:
            UUID(str(order_id))
        except ValueError:
            raise OrderError(
                _("%(order_id)r is not a Saleor order id.") % {"order_id": order_id},
                code="not_found",
                field="orderId",
            ) from None
        found = ReferralAttribution.objects.filter(order_id=order_id).first()
        field = "orderId"
    else:
        found = ReferralAttribution.objects.filter(order_number=str(order_number).strip()).first()
        field = "orderNumber"
    if found is None:
        raise OrderError(
            _(
                "The programme has no record of that order: it carried no referral code and no "
                "bound customer."
            ),
            code="not_found",
            field=field,
        )
    return found


def attribute_by_hand(
    shop: ShopBackend,
    attribution: ReferralAttribution,
    *,
    distributor_code: str | None,
    reason: str,
    actor: str,
) -> ManualAttribution:
    """Attribute an order recorded as `programme_off` to its submitted code's distributor, or to
    the one staff name, then reconcile it: it earns as any order would (rates as of now, as for
    an order first earning now), commission to three levels of the distributor's chain as it is
    now. The attribution window is not applied (staff decide) and the customer is not bound (one
    order, by hand). Refused, with nothing written, for any other order."""
    reason = clean_reason(reason, error=OrderError)
    program = shop.program_settings()
    if program is None:
        raise OrderError(
            _("The programme is switched off: switch it on to attribute orders."),
            code="program_inactive",
        )
    with transaction.atomic():
        lock_order(str(attribution.order_id))
        current = lock_attribution_of_order(str(attribution.order_id))
        assert current is not None  # attributions are never deleted
        if current.code_rejection != RejectionReason.PROGRAMME_OFF:
            raise OrderError(
                _(
                    "Order %(order_number)s was not placed while the programme was off "
                    "(%(value)s); only such orders are attributed by hand."
                )
                % {
                    "order_number": current.order_number,
                    "value": current.code_rejection or current.source,
                },
                code="not_programme_off",
                field="orderNumber",
            )
        code = normalize_code(distributor_code) or normalize_code(current.submitted_code)
        if code is None:
            raise OrderError(
                _("The order carries no referral code: name the distributor."),
                code="required",
                field="distributorCode",
            )
        order = shop.load_order(str(current.order_id), program)
        if order is None:
            raise OrderError(
                _("Saleor no longer has order %(order_number)s.")
                % {"order_number": current.order_number},
                code="not_found",
                field="orderNumber",
            )
        distributor = Distributor.objects.filter(code=code).first()
        decision = decide_attribution(
            claim=ReferralClaim(code=code),
            coded_distributor=_view(distributor),
            bound_distributor=None,
            buyer=Buyer(user_id=order.user_id, email=order.email),
            placed_at=order.placed_at,
            settings=program,
        )
        if decision.code_rejection is not None or distributor is None:
            error_code, message = _REFUSALS.get(
                decision.code_rejection or RejectionReason.UNKNOWN_CODE,
                ("invalid_code", "{code} cannot earn on this order."),
            )
            raise OrderError(message.format(code=code), code=error_code, field="distributorCode")
        chain = _chain_of(distributor)
        current.source = AttributionSource.STAFF
        current.code_rejection = None
        current.seller_id = chain.seller
        current.upline_id = chain.upline
        current.grand_upline_id = chain.grand_upline
        current.save(update_fields=["source", "code_rejection", "seller", "upline", "grand_upline"])
        AttributionEvent.objects.create(
            attribution=current,
            kind=AttributionEvent.Kind.ATTRIBUTED_BY_HAND,
            actor=actor[:128],
            reason=reason,
            data={
                "previous_reason": RejectionReason.PROGRAMME_OFF.value,
                "submitted_code": current.submitted_code,
                "distributor": code,
                "chain": [pk for _, pk in chain.levels()],
            },
        )
        result = reconcile_order_commissions(order, program, event=EVENT)
    return ManualAttribution(result.attribution or current, result.posted)


def _chain_of(seller: Distributor) -> ReferralChain[int]:
    upline = seller.upline
    ancestry = [seller.pk, upline.pk if upline else None, upline.upline_id if upline else None]
    return ReferralChain.from_ancestry([pk for pk in ancestry if pk is not None])

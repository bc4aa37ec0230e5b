from decimal import Decimal

from django.db.models import Sum

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.models import BalanceAdjustment, LedgerEntry
from saleor_wfx_plugin.services.adjustments import adjust, approve_adjustment

# Saleor staff users who make and approve the tests' set-up adjustments; no distributor of the
# tests is linked to either (staff user 1 is distributor AAA111 of the `tree` fixture).
SETUP_STAFF = "user:setup-staff"
SECOND_APPROVER = "user:second-approver"


def net_by_level(order) -> dict[int, tuple[str, Decimal]]:
    """{level: (distributor code, net amount)} for one order, from the ledger."""
    rows = (
        LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order.order_id)
        .values("level", "distributor__code")
        .annotate(net=Sum("amount"))
    )
    return {row["level"]: (row["distributor__code"], row["net"]) for row in rows}


def entry_count(order) -> int:
    return (
        LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order.order_id)
        .count()
    )


def photo(image_format: str, size: tuple[int, int] = (8, 8)) -> bytes:
    """A real, tiny picture in `image_format` ("PNG", "JPEG", "WEBP"), as a phone would send."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, image_format)
    return out.getvalue()


def staff_adjusts_balance(
    *,
    distributor_id: int,
    currency: str,
    amount: Decimal,
    reason: str,
    actor: str = SETUP_STAFF,
) -> BalanceAdjustment:
    """Money put on (or taken off) a distributor's available balance the only way staff can:
    through services.adjustments, so the duty checks apply to a test's set-up too (`actor` a
    staff user, never the distributor's own). Above the second-approval threshold a second
    staff user approves, so the money is there when this returns."""
    adjustment = adjust(
        distributor_id=distributor_id,
        currency=currency,
        amount=amount,
        actor=actor,
        reason=reason,
        program=ProgramSettings(),
    )
    if adjustment.status == BalanceAdjustment.Status.PENDING:
        adjustment = approve_adjustment(adjustment, actor=SECOND_APPROVER)
    return adjustment

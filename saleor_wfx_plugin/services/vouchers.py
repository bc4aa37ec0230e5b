"""分销商专属优惠券: staff create a shop voucher code per distributor (one, or a campaign of
them), and the programme remembers whose each code is. An order using the code is attributed to
that distributor (services/attribution.py): a voucher is issued by the shop, where a referral
code in checkout metadata is whatever the shopper's browser sent."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import DistributorError
from ..lock_objects import lock_distributors_by_code
from ..models import DistributorVoucher
from ..shop import ShopBackend

# Saleor's VoucherCode.code: up to 255 characters; shoppers type these, so letters, digits, '-'.
VOUCHER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,63}$")
DISCOUNT_TYPES = ("percentage", "fixed")
MAX_CAMPAIGN = 500


@transaction.atomic
def create_distributor_vouchers(
    shop: ShopBackend,
    *,
    distributor_codes: list[str],
    prefix: str,
    campaign: str,
    channel_slug: str,
    discount_type: str,
    discount_value: object,
    actor: str,
) -> list[DistributorVoucher]:
    """One voucher in the shop holding a code `<prefix>-<distributor code>` for each
    distributor (one distributor: a voucher of their own; several: a campaign). All or
    nothing: a code the shop has already refuses the whole campaign."""
    codes = sorted({code.strip().upper() for code in distributor_codes if code.strip()})
    if not codes:
        raise DistributorError(
            _("Name at least one distributor."), code="required", field="distributorCodes"
        )
    if len(codes) > MAX_CAMPAIGN:
        raise DistributorError(
            _("A campaign has at most %(max_campaign)s distributors.")
            % {"max_campaign": MAX_CAMPAIGN},
            code="too_large",
            field="distributorCodes",
        )
    prefix = prefix.strip().upper()
    discount_type = discount_type.strip().lower()
    if discount_type not in DISCOUNT_TYPES:
        raise DistributorError(
            _("The discount is 'percentage' or 'fixed'."), code="invalid", field="discountType"
        )
    value = _discount_value(discount_value, discount_type)
    distributors = lock_distributors_by_code(codes)
    missing = [
        code for code in codes if code not in distributors or not distributors[code].is_active
    ]
    if missing:
        raise DistributorError(
            _("No active distributor has the code(s) %(codes)s.") % {"codes": ", ".join(missing)},
            code="not_found",
            field="distributorCodes",
        )
    voucher_codes = {code: f"{prefix}-{code}" if prefix else code for code in codes}
    bad = [vc for vc in voucher_codes.values() if not VOUCHER_CODE.match(vc)]
    if bad:
        raise DistributorError(
            _("A voucher code is 3-64 letters, digits or '-'."), code="invalid_code", field="prefix"
        )
    taken = sorted(
        DistributorVoucher.objects.filter(code__in=voucher_codes.values()).values_list(
            "code", flat=True
        )
    )
    if taken:
        raise DistributorError(
            _("Voucher code(s) %(codes)s already belong to a distributor.")
            % {"codes": ", ".join(taken)},
            code="voucher_exists",
            field="prefix",
        )
    name = campaign.strip() or f"Distributor voucher {', '.join(voucher_codes.values())}"
    saleor_voucher_id = shop.create_voucher(
        name=name,
        codes=list(voucher_codes.values()),
        channel_slug=channel_slug,
        discount_type=discount_type,
        discount_value=value,
    )
    return DistributorVoucher.objects.bulk_create(
        [
            DistributorVoucher(
                code=voucher_code,
                distributor=distributors[code],
                saleor_voucher_id=saleor_voucher_id,
                campaign=campaign.strip()[:255],
                created_by=actor[:128],
            )
            for code, voucher_code in voucher_codes.items()
        ]
    )


def _discount_value(raw: object, discount_type: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise DistributorError(
            _("The discount is a number."), code="invalid", field="discountValue"
        ) from None
    if not value.is_finite() or value <= 0 or (discount_type == "percentage" and value > 100):
        raise DistributorError(
            _("The discount is more than 0 (a percentage at most 100)."),
            code="invalid",
            field="discountValue",
        )
    if value != value.quantize(Decimal("0.01")):
        raise DistributorError(_("At most two decimals."), code="invalid", field="discountValue")
    return value

"""Saleor's customers and vouchers as fraud review, binding and distributor vouchers need them:
a customer account's addresses, whether a customer paid before, a voucher made for
distributors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ..shop import CustomerContacts


def customer_contacts(user_id: str) -> CustomerContacts:
    from saleor.account.models import User

    user = User.objects.filter(pk=user_id).prefetch_related("addresses").first()
    if user is None:
        return CustomerContacts()
    addresses = [
        address
        for address in (
            *user.addresses.all(),
            user.default_shipping_address,
            user.default_billing_address,
        )
        if address is not None
    ]
    return CustomerContacts(
        addresses=tuple(flat_address(address) for address in addresses),
        phones=tuple(str(address.phone) for address in addresses if address.phone),
        emails=(user.email,) if user.email else (),
    )


def create_voucher(
    *,
    name: str,
    codes: list[str],
    channel_slug: str,
    discount_type: str,
    discount_value: Decimal,
) -> str:
    """A Saleor voucher (the whole order discounted, once per customer) holding `codes`,
    listed in one channel, as the dashboard's voucher form makes one. Returns its id."""
    from saleor.channel.models import Channel
    from saleor.discount import DiscountValueType, VoucherType
    from saleor.discount.models import Voucher, VoucherChannelListing, VoucherCode
    from saleor.plugins.manager import get_plugins_manager

    from ..errors import DistributorError

    channel = Channel.objects.filter(slug=channel_slug).first()
    if channel is None:
        raise DistributorError(_("No such channel."), code="not_found", field="channel")
    taken = sorted(VoucherCode.objects.filter(code__in=codes).values_list("code", flat=True))
    if taken:
        raise DistributorError(
            _("Saleor already has voucher code(s) %(codes)s.") % {"codes": ", ".join(taken)},
            code="voucher_exists",
            field="code",
        )
    voucher = Voucher.objects.create(
        name=name[:255],
        type=VoucherType.ENTIRE_ORDER,
        discount_value_type=DiscountValueType.PERCENTAGE
        if discount_type == "percentage"
        else DiscountValueType.FIXED,
        apply_once_per_customer=True,
    )
    VoucherCode.objects.bulk_create([VoucherCode(voucher=voucher, code=code) for code in codes])
    VoucherChannelListing.objects.create(
        voucher=voucher,
        channel=channel,
        discount_value=discount_value,
        currency=channel.currency_code,
    )
    manager = get_plugins_manager(allow_replica=False)
    manager.voucher_created(voucher, codes[0])
    return str(voucher.pk)


def flat_address(address: Any) -> str:
    """A Saleor address as one text, for comparing (normalised in domain/fraud.py)."""
    return " ".join(
        str(part)
        for part in (
            address.street_address_1,
            address.street_address_2,
            address.city_area,
            address.city,
            address.postal_code,
            address.country_area,
            address.country,
        )
        if part
    )


def customer_paid_before(order: Any) -> bool:
    """Whether the order's customer (their account, else their e-mail) had a paid order before
    it: what `customer_binding_new_customers_only` asks."""
    from django.db.models import Q
    from saleor.order import OrderStatus
    from saleor.order.models import Order

    same_customer = Q(user_id=order.user_id) if order.user_id else Q(user_email=order.user_email)
    return (
        Order.objects.filter(
            same_customer, created_at__lt=order.created_at, total_charged_amount__gt=0
        )
        .exclude(pk=order.pk)
        .exclude(status__in=(OrderStatus.DRAFT, OrderStatus.UNCONFIRMED))
        .exists()
    )

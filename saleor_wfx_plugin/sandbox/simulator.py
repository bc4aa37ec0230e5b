"""A stand-in for Saleor: keeps orders in memory, changes them the way Saleor would (place, pay,
refund, cancel) and, like the plugin's hooks, hands each change to the same Celery task.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.utils import timezone

from ..domain.commission import GiftCardPayment, OrderLineSnapshot, RefundState, goods_total
from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from ..shop import CustomerContacts, OrderCursor, ProductCard, stored_settings

# Ids unique across runs (a demo database outlives the process) yet in creation order within a
# process: a random half, the same for the process, then a counter. Random ids would let an
# order's or a line's position in any sort by id change from one run of the same steps to the
# next, which a property test replaying its steps must not see.
_ID_PREFIX = uuid.uuid4().int >> 64 << 64
_id_counter = itertools.count(1)


def _next_id() -> str:
    return str(uuid.UUID(int=_ID_PREFIX | next(_id_counter)))


@dataclass(frozen=True)
class SimulatedLine:
    product_name: str
    unit_price: Decimal
    quantity: int = 1
    product_id: str | None = None
    category_id: str | None = None
    # Tax on top of the net price, as a fraction (0.13 for China's 13 % VAT).
    tax_rate: Decimal = Decimal("0")
    # A gift card for sale (Saleor: a product type of kind GIFT_CARD).
    is_gift_card: bool = False


class SimulatedShop:
    """Implements `shop.ShopBackend`. State is class-level, like a database the tasks can reach;
    `reset()` empties it."""

    orders: ClassVar[dict[str, OrderSnapshot]] = {}
    changed_at: ClassVar[dict[str, datetime]] = {}
    products: ClassVar[dict[str, ProductCard]] = {}
    # Vouchers by id: (name, codes, channel, discount type, value).
    vouchers: ClassVar[dict[str, tuple[str, tuple[str, ...], str, str, Decimal]]] = {}
    # Customer accounts' addresses, phones and e-mail, by Saleor user id.
    contacts: ClassVar[dict[str, CustomerContacts]] = {}
    # The plugin's `active` flag as Saleor stores it. None: the Django setting
    # WFX_PROGRAM_ACTIVE (default on), which a test flips like a switch made with SQL, noticed
    # only when the programme next reads it; `switch_plugin` is Saleor's pluginUpdate.
    plugin_active: ClassVar[bool | None] = None
    # Saleor's SiteSettings.allow_storefront_traffic; `allow_storefront_traffic` is what
    # shopSettingsUpdate(allowStorefrontTraffic: …) does.
    storefront_traffic: ClassVar[bool] = True
    _numbers: ClassVar[itertools.count] = itertools.count(1001)

    # --- ShopBackend ------------------------------------------------------------------------
    def program_settings(self) -> ProgramSettings | None:
        from ..saleor_host import version
        from ..services.programme_history import observe_programme_state

        switched_on = self.plugin_switched_on()
        observe_programme_state(switched_on)
        if not switched_on or not version.host_saleor_supported:
            return None
        return ProgramSettings.from_mapping(getattr(settings, "WFX_PROGRAM_SETTINGS", {}))

    def stored_program_settings(self) -> ProgramSettings:
        return stored_settings(getattr(settings, "WFX_PROGRAM_SETTINGS", {}))

    def load_order(self, order_id: str, program: ProgramSettings) -> OrderSnapshot | None:
        return self.orders.get(order_id)

    def may_be_in_programme(self, order_id: str, program: ProgramSettings) -> bool:
        # Orders live in memory: loading one costs nothing, so the full path decides.
        return order_id in self.orders

    def changed_orders(
        self, after: OrderCursor, program: ProgramSettings, *, limit: int
    ) -> list[OrderCursor]:
        # Saleor's order (updated_at, id); an id compares like its UUID as lower-case hex.
        changed = sorted(OrderCursor(at, order_id) for order_id, at in self.changed_at.items())
        return [cursor for cursor in changed if cursor > after][:limit]

    def product_card(self, product_id: str, channel_slug: str | None) -> ProductCard | None:
        # One catalogue for every channel: the simulator has no per-channel publishing.
        return self.products.get(product_id)

    def customer_contacts(self, user_id: str) -> CustomerContacts:
        return self.contacts.get(user_id, CustomerContacts())

    def create_voucher(
        self,
        *,
        name: str,
        codes: list[str],
        channel_slug: str,
        discount_type: str,
        discount_value: Decimal,
    ) -> str:
        from ..errors import DistributorError

        existing = {code for _, held, *_ in self.vouchers.values() for code in held}
        taken = sorted(existing & set(codes))
        if taken:
            raise DistributorError(
                f"The shop already has voucher code(s) {', '.join(taken)}.",
                code="voucher_exists",
                field="code",
            )
        voucher_id = str(len(self.vouchers) + 1)
        self.vouchers[voucher_id] = (
            name,
            tuple(codes),
            channel_slug,
            discount_type,
            discount_value,
        )
        return voucher_id

    def storefront_traffic_allowed(self) -> bool:
        return self.storefront_traffic

    def writer_access(self) -> AbstractContextManager[object]:
        return nullcontext()

    # --- What a storefront and the staff do ---------------------------------------------------
    @classmethod
    def plugin_switched_on(cls) -> bool:
        if cls.plugin_active is not None:
            return cls.plugin_active
        return bool(getattr(settings, "WFX_PROGRAM_ACTIVE", True))

    @classmethod
    def switch_plugin(cls, active: bool, *, at: datetime | None = None) -> None:
        """What Saleor's pluginUpdate(active: …) does: the plugin's pre-save hook records the
        switch at its moment, then Saleor stores the flag."""
        from ..services.programme_history import Source, record_switch

        if cls.plugin_switched_on() != active:
            record_switch(active, source=Source.PLUGIN_UPDATE, at=at)
        cls.plugin_active = active

    @classmethod
    def allow_storefront_traffic(cls, allowed: bool) -> None:
        cls.storefront_traffic = allowed

    @classmethod
    def reset(cls) -> None:
        cls.plugin_active = None
        cls.storefront_traffic = True
        cls.orders.clear()
        cls.changed_at.clear()
        cls.products.clear()
        cls.contacts.clear()
        cls.vouchers.clear()
        cls._numbers = itertools.count(1001)

    @classmethod
    def add_product(cls, card: ProductCard) -> ProductCard:
        """Publish a product, or change it (same `product_id`): give a changed card a new
        `version`, as Saleor's adapter does when the name, price or image changes."""
        cls.products[card.product_id] = card
        return card

    @classmethod
    def place_order(
        cls,
        lines: Sequence[SimulatedLine],
        *,
        referral_code: str | None = None,
        user_id: str | None = None,
        email: str | None = "shopper@example.com",
        currency: str = "CNY",
        shipping: Decimal = Decimal("0"),
        metadata: Mapping[str, str] | None = None,
        placed_at: datetime | None = None,
        gift_cards: Sequence[GiftCardPayment] = (),
        notify: bool = True,
        voucher_code: str | None = None,
        shipping_address: str | None = None,
        shipping_phone: str | None = None,
        payment_emails: Sequence[str] = (),
    ) -> OrderSnapshot:
        """`gift_cards` paid part of the order; as in Saleor, the order's total is what is left
        to charge after them."""
        order_lines = tuple(
            OrderLineSnapshot(
                line_id=_next_id(),
                quantity=line.quantity,
                net_amount=line.unit_price * line.quantity,
                gross_amount=(line.unit_price * line.quantity * (1 + line.tax_rate)).quantize(
                    Decimal("0.01")
                ),
                product_id=line.product_id,
                category_id=line.category_id,
                product_name=line.product_name,
                is_gift_card=line.is_gift_card,
            )
            for line in lines
        )
        paid_by_cards = sum((card.amount for card in gift_cards), Decimal(0))
        all_metadata = dict(metadata or {})
        if referral_code is not None:
            all_metadata["referral_code"] = referral_code
        order = OrderSnapshot(
            order_id=_next_id(),
            number=str(next(cls._numbers)),
            channel_slug="default-channel",
            currency=currency,
            placed_at=placed_at or timezone.now(),
            user_id=user_id,
            email=email,
            lines=order_lines,
            metadata=all_metadata,
            voucher_code=voucher_code,
            shipping_address=shipping_address,
            shipping_phone=shipping_phone,
            payment_emails=tuple(payment_emails),
            customer_paid_before=cls._paid_before(user_id, email, placed_at or timezone.now()),
            refunds=RefundState(
                order_total=sum((line.gross_amount for line in order_lines), shipping)
                - paid_by_cards,
                goods_total=goods_total(order_lines),
                gift_cards=tuple(gift_cards),
            ),
        )
        return cls._store(order, "order_created", notify)

    @classmethod
    def _paid_before(cls, user_id: str | None, email: str | None, at: datetime) -> bool:
        # As the Saleor adapter: the customer's account, else (a guest) their e-mail.
        def same_customer(order: OrderSnapshot) -> bool:
            if user_id:
                return order.user_id == user_id
            return bool(email) and order.email == email

        return any(
            order.is_paid and order.placed_at < at and same_customer(order)
            for order in cls.orders.values()
        )

    @classmethod
    def pay(cls, order_id: str, *, notify: bool = True) -> OrderSnapshot:
        order = replace(cls.orders[order_id], is_paid=True, is_fully_paid=True)
        cls._store(order, "order_paid", notify)
        return cls._store(order, "order_fully_paid", notify)

    @classmethod
    def refund(
        cls,
        order_id: str,
        amount: Decimal,
        *,
        line_quantities: Mapping[str, int] | None = None,
        shipping: Decimal = Decimal("0"),
        notify: bool = True,
    ) -> OrderSnapshot:
        """Give `amount` back; `shipping` of it is marked as shipping (Saleor: a granted refund
        that includes shipping costs). Units of a gift-card line are not goods."""
        order = cls.orders[order_id]
        refunds = order.refunds
        quantities = dict(refunds.refunded_quantities)
        values = dict(refunds.refunded_line_values)
        outside_goods = refunds.refunded_outside_goods + shipping
        gross_by_line = {line.line_id: line for line in order.lines}
        for line_id, quantity in (line_quantities or {}).items():
            line = gross_by_line[line_id]
            value = line.gross_amount / line.quantity * quantity
            if line.is_gift_card:
                outside_goods += value
                continue
            quantities[line_id] = quantities.get(line_id, 0) + quantity
            values[line_id] = values.get(line_id, Decimal(0)) + value
        total_refunded = refunds.refunded_amount + amount
        new_refunds = replace(
            refunds,
            refunded_amount=total_refunded,
            refunded_quantities=quantities,
            refunded_line_values=values,
            refunded_outside_goods=outside_goods,
            fully_refunded=total_refunded >= refunds.order_total,
        )
        event = "order_fully_refunded" if new_refunds.fully_refunded else "order_refunded"
        return cls._store(replace(order, refunds=new_refunds), event, notify)

    @classmethod
    def charge_back(cls, order_id: str, amount: Decimal, *, notify: bool = True) -> OrderSnapshot:
        """The payment provider takes `amount` back after a dispute. As in Saleor, the charged
        amount drops and only `order_updated` is fired."""
        order = cls.orders[order_id]
        refunds = order.refunds
        total_given_back = refunds.refunded_amount + amount
        new_refunds = replace(
            refunds,
            refunded_amount=total_given_back,
            fully_refunded=total_given_back >= refunds.order_total,
        )
        return cls._store(replace(order, refunds=new_refunds), "order_updated", notify)

    @classmethod
    def fulfil(
        cls, order_id: str, *, at: datetime | None = None, notify: bool = True
    ) -> OrderSnapshot:
        order = replace(cls.orders[order_id], fulfilled_at=at or timezone.now())
        return cls._store(order, "order_fulfilled", notify)

    @classmethod
    def cancel(cls, order_id: str, *, notify: bool = True) -> OrderSnapshot:
        return cls._store(replace(cls.orders[order_id], cancelled=True), "order_cancelled", notify)

    @classmethod
    def _store(cls, order: OrderSnapshot, event: str, notify: bool) -> OrderSnapshot:
        cls.orders[order.order_id] = order
        cls.changed_at[order.order_id] = timezone.now()
        if notify:
            # What DistributionPlugin's hooks do inside Saleor.
            from ..tasks import process_order_event

            process_order_event.delay(order.order_id, event)
        return order

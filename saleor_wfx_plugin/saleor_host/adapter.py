"""Saleor as the programme's shop (`shop.ShopBackend` for Saleor): the plugin's configuration
and switch, and the entry to what Saleor holds about orders (`orders`, `refunds`), customers and
vouchers (`customers`) and products (`products`).

Everything Saleor-specific about orders, refunds and the plugin's configuration lives in this
package, so a move from plugin hooks to App webhooks (Saleor has deprecated the hooks) is a
contained change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from ..shop import CustomerContacts, OrderCursor, ProductCard, stored_settings
from . import customers, products, version
from .orders import order_snapshot, programme_candidates
from .routes import PLUGIN_ID


def configuration_to_mapping(configuration: Iterable[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {item["name"]: item.get("value") for item in configuration or ()}


class SaleorShop:
    def writer_access(self) -> AbstractContextManager[object]:
        from saleor.core.db.connection import allow_writer

        return allow_writer()

    def program_settings(self) -> ProgramSettings | None:
        from saleor.plugins.manager import get_plugins_manager

        from ..services.programme_history import observe_programme_state

        plugin = get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)
        switched_on = plugin is not None and bool(plugin.active)
        # The merchant's switch is history whatever else holds the programme still: an
        # unsupported Saleor pauses it, but the orders of the pause were placed while it was on.
        observe_programme_state(switched_on)
        if not switched_on or not version.host_saleor_supported:
            return None
        return ProgramSettings.from_mapping(configuration_to_mapping(plugin.configuration))

    def storefront_traffic_allowed(self) -> bool:
        # Saleor's own reading: cached for minutes, and refreshed at once by shopSettingsUpdate.
        from saleor.graphql.storefront_traffic import get_allow_storefront_traffic

        return bool(get_allow_storefront_traffic())

    def stored_program_settings(self) -> ProgramSettings:
        from saleor.plugins.manager import get_plugins_manager

        plugin = get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)
        if plugin is None:
            return ProgramSettings()
        return stored_settings(configuration_to_mapping(plugin.configuration))

    def load_order(self, order_id: str, program: ProgramSettings) -> OrderSnapshot | None:
        from saleor.order.models import Order

        orders = programme_candidates(Order.objects.filter(pk=order_id), program)
        order = (
            orders.select_related("channel", "shipping_address")
            .prefetch_related("lines__variant__product", "payments")
            .first()
        )
        if order is None:
            return None
        snapshot = order_snapshot(order)
        if program.customer_binding_new_customers_only:
            snapshot = replace(snapshot, customer_paid_before=customers.customer_paid_before(order))
        return snapshot

    def customer_contacts(self, user_id: str) -> CustomerContacts:
        return customers.customer_contacts(user_id)

    def create_voucher(
        self,
        *,
        name: str,
        codes: list[str],
        channel_slug: str,
        discount_type: str,
        discount_value: Decimal,
    ) -> str:
        return customers.create_voucher(
            name=name,
            codes=codes,
            channel_slug=channel_slug,
            discount_type=discount_type,
            discount_value=discount_value,
        )

    def may_be_in_programme(self, order_id: str, program: ProgramSettings) -> bool:
        from saleor.order.models import Order

        return bool(programme_candidates(Order.objects.filter(pk=order_id), program).exists())

    def changed_orders(
        self, after: OrderCursor, program: ProgramSettings, *, limit: int
    ) -> list[OrderCursor]:
        """Saleor's `Order.updated_at` is indexed and moves with every change that can alter
        commission: payments and refunds through transactions or legacy payments, charge-backs,
        granted refunds, cancellation and fulfilment all save it. (Expiry does not, through a
        queryset update, but an expired order was never paid and never earned.)"""
        from django.db.models import Q
        from saleor.order import OrderStatus
        from saleor.order.models import Order

        later = Q(updated_at__gt=after.changed_at)
        later |= (
            Q(updated_at=after.changed_at, pk__gt=after.order_id)
            if after.order_id
            else Q(updated_at=after.changed_at)
        )
        changed = Order.objects.filter(later).exclude(status=OrderStatus.DRAFT)
        rows = (
            programme_candidates(changed, program)
            .order_by("updated_at", "pk")
            .values_list("updated_at", "pk")[:limit]
        )
        return [OrderCursor(changed_at, str(order_id)) for changed_at, order_id in rows]

    def product_card(self, product_id: str, channel_slug: str | None) -> ProductCard | None:
        return products.product_card(product_id, channel_slug)

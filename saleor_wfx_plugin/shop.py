"""The seam between the programme and the shop it runs in.

Services never import Saleor: they receive plain snapshots. A `ShopBackend` is what produces
them: `saleor_host.adapter.SaleorShop` inside Saleor, `sandbox.simulator.SimulatedShop` in the
demo and the tests. Chosen by the Django setting `WFX_SHOP_BACKEND` (a dotted path).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.module_loading import import_string

from .domain.money import Money
from .domain.orders import OrderSnapshot
from .domain.settings import InvalidProgramSettings, ProgramSettings

logger = logging.getLogger(__name__)

DEFAULT_SHOP_BACKEND = "saleor_wfx_plugin.saleor_host.adapter.SaleorShop"


@dataclass(frozen=True)
class ProductCard:
    """What a share poster shows about a product."""

    product_id: str  # the shop's own id (Saleor: the product's primary key, as text)
    name: str
    # Storefront path of the product page, e.g. "/products/serum"; the referral link's ?next=.
    path: str
    price: Money | None = None
    # Encoded image (JPEG/PNG/WebP) of the product's first image, when it has one.
    image: bytes | None = None
    # Changes whenever the card would render differently (name, price, image); part of the
    # poster cache key, so a new price gives a new poster.
    version: str = ""


@dataclass(frozen=True)
class CustomerContacts:
    """What a customer account holds about its owner: addresses (each flattened into one
    text), phone numbers and e-mail addresses. Fraud review compares a distributor's with the
    buyers of the orders they refer."""

    addresses: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


@dataclass(frozen=True, order=True)
class OrderCursor:
    """A position in the shop's orders sorted by when they last changed, then by id (many orders
    can share one timestamp: a bulk import, a batch job). `order_id` empty: before every order
    that changed at `changed_at`."""

    changed_at: datetime
    order_id: str = ""


class ShopBackend(Protocol):
    def program_settings(self) -> ProgramSettings | None:
        """The programme's settings, or None while the plugin is switched off or paused (an
        unsupported Saleor). Records the plugin's switch in the programme's history when it
        differs (`services.programme_history.observe_programme_state`)."""

    def stored_program_settings(self) -> ProgramSettings:
        """The settings as saved, whether the programme is switched on or off: for duties that
        do not stop with the programme (deleting documents past their retention). The defaults
        when nothing valid is saved."""

    def load_order(self, order_id: str, program: ProgramSettings) -> OrderSnapshot | None:
        """The order as it is now; None when the shop no longer has it, or when it cannot be in
        the programme (no referral code, no attribution, no bound customer), which a backend may
        tell cheaply before loading lines and refunds."""

    def may_be_in_programme(self, order_id: str, program: ProgramSettings) -> bool:
        """False when the order certainly is not in the programme (no referral code, no
        attribution, no bound customer) or no longer exists: the hooks of a shop's ordinary
        orders stop there. A backend that cannot tell cheaply answers True."""

    def changed_orders(
        self, after: OrderCursor, program: ProgramSettings, *, limit: int
    ) -> Sequence[OrderCursor]:
        """Up to `limit` orders that may be in the programme and changed after `after`, each as
        (when it last changed, its id), in that order: the reconciliation sweep walks through
        them and keeps the last one it completed as its mark."""

    def product_card(self, product_id: str, channel_slug: str | None) -> ProductCard | None:
        """A product for a poster, as visible in that channel (the default channel when None);
        None when it does not exist or is not published there. `product_id` is the id as the
        storefront knows it (Saleor: a global ID like "UHJvZHVjdDo3Mg==")."""

    def customer_contacts(self, user_id: str) -> CustomerContacts:
        """The addresses, phones and e-mail of a customer account (empty when there is no such
        account)."""

    def create_voucher(
        self,
        *,
        name: str,
        codes: list[str],
        channel_slug: str,
        discount_type: str,
        discount_value: Decimal,
    ) -> str:
        """Create one shop voucher holding `codes` (a whole-order discount, `percentage` or
        `fixed`, once per customer) in a channel; returns its id. Refuses (DistributorError
        `voucher_exists`) a code the shop has already."""

    def storefront_traffic_allowed(self) -> bool:
        """Whether the shop takes requests from storefronts (anonymous visitors and customers)
        at all: Saleor's `SiteSettings.allow_storefront_traffic`. While it is off the plugin's
        API answers only staff users and apps, as Saleor's own API does."""

    def writer_access(self) -> AbstractContextManager[object]:
        """Entered around a task's work. Saleor's Celery tasks may touch the writer database only
        inside `allow_writer()`; elsewhere nothing is needed."""


def stored_settings(values: Mapping[str, object]) -> ProgramSettings:
    """`ProgramSettings` from a saved configuration for the duties that run whatever its state
    (`ShopBackend.stored_program_settings`). A configuration saved before a rule existed may no
    longer validate as a whole; the retention period alone is then read, else its default."""
    try:
        return ProgramSettings.from_mapping(values)
    except InvalidProgramSettings as error:
        logger.warning("wfx: the saved plugin configuration is not valid: %s", error)
    try:
        return ProgramSettings.from_mapping(
            {"document_retention_days": values.get("document_retention_days")}
        )
    except InvalidProgramSettings:
        return ProgramSettings()


@cache
def _backend_class(path: str) -> type[ShopBackend]:
    return import_string(path)


def shop_time_zone() -> ZoneInfo:
    """The zone the shop's days and months are counted in: `WFX_TIME_ZONE`, else Django's
    `TIME_ZONE`. A Chinese shop on a UTC server would otherwise split its evening across two
    days, and its month-end across two months."""
    return ZoneInfo(getattr(settings, "WFX_TIME_ZONE", None) or settings.TIME_ZONE or "UTC")


def get_shop() -> ShopBackend:
    return _backend_class(getattr(settings, "WFX_SHOP_BACKEND", DEFAULT_SHOP_BACKEND))()

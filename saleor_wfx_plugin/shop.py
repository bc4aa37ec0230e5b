"""The seam between the programme and the shop it runs in.

Services never import Saleor: they receive plain snapshots. A `ShopBackend` is what produces
them: `saleor_adapter.SaleorShop` inside Saleor, `sandbox.simulator.SimulatedShop` in the demo and
the tests. Chosen by the Django setting `WFX_SHOP_BACKEND` (a dotted path).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .domain.orders import OrderSnapshot
from .domain.settings import ProgramSettings

DEFAULT_SHOP_BACKEND = "saleor_wfx_plugin.saleor_adapter.SaleorShop"


class ShopBackend(Protocol):
    def program_settings(self) -> ProgramSettings | None:
        """The programme's settings, or None while the plugin is switched off."""

    def load_order(self, order_id: str, program: ProgramSettings) -> OrderSnapshot | None:
        """The order as it is now; None when the shop no longer has it, or when it cannot be in
        the programme (no referral code, no attribution, no bound customer), which a backend may
        tell cheaply before loading lines and refunds."""

    def changed_order_ids(self, since: datetime, program: ProgramSettings) -> Iterable[str]:
        """Ids of orders created or changed since `since` that may be in the programme, for the
        reconciliation sweep."""

    def writer_access(self) -> AbstractContextManager[object]:
        """Entered around a task's work. Saleor's Celery tasks may touch the writer database only
        inside `allow_writer()`; elsewhere nothing is needed."""


@cache
def _backend_class(path: str) -> type[ShopBackend]:
    return import_string(path)


def get_shop() -> ShopBackend:
    return _backend_class(getattr(settings, "WFX_SHOP_BACKEND", DEFAULT_SHOP_BACKEND))()

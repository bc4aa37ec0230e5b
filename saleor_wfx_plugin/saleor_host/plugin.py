"""The only module that knows Saleor's plugin hooks.

Each order hook does as little as possible on Saleor's request path: it schedules the
reconciliation task for after the transaction commits and returns. It never raises: an exception
from a hook inside `checkoutComplete` shows the shopper an error for an order that was created.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from saleor.plugins.base_plugin import BasePlugin

from ..domain.rate_cap import RateCapCheck
from ..domain.settings import InvalidProgramSettings, ProgramSettings
from ..domain_messages import translated_settings_errors
from . import plugin_configuration, version
from .adapter import configuration_to_mapping
from .routes import PLUGIN_ID
from .scheduling import HookBatch

logger = logging.getLogger(__name__)

__all__ = ["PLUGIN_ID", "DistributionPlugin"]


class DistributionPlugin(BasePlugin):
    PLUGIN_ID = PLUGIN_ID
    PLUGIN_NAME = "Social distribution (微分销)"
    PLUGIN_DESCRIPTION = (
        "Referral attribution and commissions for distributors, at most three levels including "
        "the seller, paid on sales only."
    )
    DEFAULT_ACTIVE = False
    # One programme for the whole shop: rates are percentages, so they fit every channel's
    # currency, and a distributor's upline must not depend on where the customer shops.
    CONFIGURATION_PER_CHANNEL = False
    # The settings' defaults and form fields: `plugin_configuration`.
    DEFAULT_CONFIGURATION = plugin_configuration.DEFAULT_CONFIGURATION
    CONFIG_STRUCTURE = plugin_configuration.CONFIG_STRUCTURE

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration, **kwargs):  # type: ignore[no-untyped-def]
        from ..selectors.program_config import highest_seller_override

        values = configuration_to_mapping(plugin_configuration.configuration)
        # Saleor saves after this check, so the stored row still holds the values before the
        # edit: the rate cap's error goes on the rate the merchant just changed.
        stored = (
            type(plugin_configuration)
            .objects.filter(pk=plugin_configuration.pk)
            .values_list("configuration", flat=True)
            .first()
        )
        before = configuration_to_mapping(stored)
        changed = {name for name, value in values.items() if before.get(name) != value}
        try:
            program = ProgramSettings.from_mapping(
                values,
                rate_cap=RateCapCheck(
                    highest_seller_override=highest_seller_override(), changed=changed
                ),
            )
        except InvalidProgramSettings as error:
            raise ValidationError(
                {
                    name: ValidationError(message, code="invalid")
                    for name, message in translated_settings_errors(error).items()
                }
            ) from None
        for warning in program.warnings:
            logger.warning("wfx.distribution: %s", warning)

    @classmethod
    def pre_save_plugin_configuration(cls, plugin_configuration, **kwargs):  # type: ignore[no-untyped-def]
        """Saleor calls this from `pluginUpdate` (API and dashboard) just before it saves: the
        only moment the previous `active` flag can still be read, so the switch is recorded here
        with its exact time. Saleor keeps no history of the flag itself."""
        super().pre_save_plugin_configuration(plugin_configuration, **kwargs)
        from saleor.plugins.models import PluginConfiguration

        from ..services.programme_history import Source, record_switch

        stored = (
            PluginConfiguration.objects.filter(pk=plugin_configuration.pk)
            .values_list("active", flat=True)
            .first()
            if plugin_configuration.pk
            else None
        )
        if bool(stored) != bool(plugin_configuration.active):
            # Recorded before Saleor's save; should that save fail, the next reading of the flag
            # records the switch back (`observe_programme_state`).
            record_switch(bool(plugin_configuration.active), source=Source.PLUGIN_UPDATE)

    def webhook(self, request, path, previous_value):  # type: ignore[no-untyped-def]
        # Saleor hands both prefixes here with the same `path` (`routes`): the kept
        # /plugins/global/wfx.distribution/ only while the plugin is active, the legacy
        # /plugins/wfx.distribution/ even while it is switched off, so the flag is checked here.
        # No authentication either way: the routes check tokens and signatures themselves.
        from django.http import HttpResponseNotFound

        if not self.active or not version.host_saleor_supported:
            return HttpResponseNotFound("Not found", content_type="text/plain")
        from ..http import handle

        return handle(request, path)

    # --- Order hooks: all the same, because reconciliation reads the order's current state. ---
    def order_created(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_created", previous_value)

    def order_paid(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_paid", previous_value)

    def order_fully_paid(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_fully_paid", previous_value)

    def order_cancelled(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_cancelled", previous_value)

    def order_expired(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_expired", previous_value)

    def order_refunded(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_refunded", previous_value)

    def order_fully_refunded(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_fully_refunded", previous_value)

    def order_confirmed(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_confirmed", previous_value)

    def order_fulfilled(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        return self._schedule(order, "order_fulfilled", previous_value)

    def order_updated(self, order, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        # A chargeback (`CHARGE_BACK` transaction event) lowers the charged amount and Saleor
        # then fires only this hook. It fires often, so it only schedules, like the others;
        # the task tells an order outside the programme with one indexed query.
        return self._schedule(order, "order_updated", previous_value)

    def order_bulk_created(self, orders, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        # orderBulkCreate imports orders (from a marketplace or an old shop) that may carry a
        # referral code in their metadata like any checkout's.
        for order in orders or ():
            self._schedule(order, "order_bulk_created", previous_value)
        return previous_value

    def _schedule(self, order: Any, event: str, previous_value: Any) -> Any:
        if not self.active or not version.host_saleor_supported:
            return previous_value
        try:
            # Saleor builds plugin instances per request or task (its plugin manager), so the
            # batch coalesces the hooks of one request: `scheduling`.
            batch = self.__dict__.setdefault("_wfx_hook_batch", HookBatch())
            batch.schedule(order, event, configuration_to_mapping(self.configuration))
        except Exception:
            logger.exception("wfx: could not schedule %s for order %r", event, order)
        return previous_value

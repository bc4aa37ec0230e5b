"""The only module that knows Saleor's plugin hooks.

Each order hook does as little as possible on Saleor's request path: it schedules the
reconciliation task for after the transaction commits and returns. It never raises: an exception
from a hook inside `checkoutComplete` shows the shopper an error for an order that was created.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from saleor.plugins.base_plugin import BasePlugin, ConfigurationTypeField

from . import apps
from .domain.settings import InvalidProgramSettings, ProgramSettings
from .saleor_adapter import configuration_to_mapping

logger = logging.getLogger(__name__)

PLUGIN_ID = "wfx.distribution"


def _field(kind: str, label: str, help_text: str) -> dict[str, str]:
    return {"type": kind, "label": label, "help_text": help_text}


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
    DEFAULT_CONFIGURATION = [
        {"name": "referral_metadata_key", "value": "referral_code"},
        {"name": "commission_trigger", "value": "order_fully_paid"},
        {"name": "default_seller_rate", "value": "10"},
        {"name": "level2_rate", "value": "5"},
        {"name": "level3_rate", "value": "2"},
        {"name": "commission_levels", "value": "3"},
        {"name": "grade_team_sales_rules", "value": False},
        {"name": "tax_in_base", "value": False},
        {"name": "self_purchase_commission", "value": False},
        {"name": "customer_binding", "value": True},
        {"name": "customer_binding_days", "value": "30"},
        {"name": "attribution_window_days", "value": "30"},
        {"name": "storefront_url", "value": ""},
        {"name": "redirect_allowed_hosts", "value": ""},
        {"name": "referral_query_param", "value": "ref"},
        {"name": "auto_approve_applications", "value": False},
        {"name": "require_documents", "value": False},
        {"name": "confirm_days_after_fulfilment", "value": "0"},
        {"name": "settlement_days", "value": "3"},
        {"name": "settlement_holidays", "value": ""},
        {"name": "settlement_workdays", "value": ""},
        {"name": "payout_min_amount", "value": "10"},
        {"name": "early_withdrawal", "value": True},
        {"name": "early_withdrawal_fee_rate", "value": "0.5"},
        {"name": "second_approval_above", "value": "5000"},
        {"name": "tax_policy", "value": "labour_remuneration"},
        {"name": "tax_flat_rate", "value": "20"},
        {"name": "tax_period", "value": "monthly"},
    ]
    CONFIG_STRUCTURE = {
        "referral_metadata_key": _field(
            ConfigurationTypeField.STRING,
            "Checkout metadata key of the referral code",
            "The storefront puts the distributor's code in checkout metadata under this key.",
        ),
        "commission_trigger": _field(
            ConfigurationTypeField.STRING,
            "Commission trigger",
            "order_fully_paid (default) or order_paid: when an attributed order earns commission.",
        ),
        "default_seller_rate": _field(
            ConfigurationTypeField.STRING,
            "Default seller rate (%)",
            "Seller's commission when no product, category or grade rate applies. 0-100.",
        ),
        "level2_rate": _field(
            ConfigurationTypeField.STRING,
            "Level 2 rate (%)",
            "Commission of the seller's upline (direct reward). 0-100.",
        ),
        "level3_rate": _field(
            ConfigurationTypeField.STRING,
            "Level 3 rate (%)",
            "Commission of the upline's upline (indirect reward). 0-100.",
        ),
        "commission_levels": _field(
            ConfigurationTypeField.STRING,
            "Commission levels (1-3)",
            "Levels paid, including the seller. Never more than 3 (China's anti-pyramid rules). "
            "WeChat tolerates only 2 and suspends payment accounts beyond that.",
        ),
        "grade_team_sales_rules": _field(
            ConfigurationTypeField.BOOLEAN,
            "Grade upgrades on team sales",
            "Off (default): grade criteria on team sales cannot be saved and are not applied. "
            "Pay computed from a downline's sales (团队计酬) is a pyramid-selling behaviour "
            "under 禁止传销条例 art. 7(3); take legal advice before switching it on.",
        ),
        "tax_in_base": _field(
            ConfigurationTypeField.BOOLEAN,
            "Include tax in the commission base",
            "Off: commission on goods net of tax. Shipping is never in the base.",
        ),
        "self_purchase_commission": _field(
            ConfigurationTypeField.BOOLEAN,
            "Commission on own purchases",
            "Whether a distributor earns on orders placed with their own code.",
        ),
        "customer_binding": _field(
            ConfigurationTypeField.BOOLEAN,
            "Bind customers to their first referrer",
            "Later orders without a code go to the distributor who first referred the customer.",
        ),
        "customer_binding_days": _field(
            ConfigurationTypeField.STRING,
            "Customer binding days",
            "How long a customer stays bound to their first referrer.",
        ),
        "attribution_window_days": _field(
            ConfigurationTypeField.STRING,
            "Attribution window days",
            "A referral counts for orders placed within this many days of the visitor following "
            "the link (sent by the storefront as referral_code_at, ISO 8601).",
        ),
        "storefront_url": _field(
            ConfigurationTypeField.STRING,
            "Storefront URL",
            "Where referral links send visitors, e.g. https://shop.example.com. Empty: links off.",
        ),
        "redirect_allowed_hosts": _field(
            ConfigurationTypeField.STRING,
            "Other hosts referral links may lead to",
            "Comma-separated host names a link's ?next= may point at besides the storefront's.",
        ),
        "referral_query_param": _field(
            ConfigurationTypeField.STRING,
            "Referral query parameter",
            "Query parameter that carries the code to the storefront (default ref).",
        ),
        "auto_approve_applications": _field(
            ConfigurationTypeField.BOOLEAN,
            "Approve applications automatically",
            "On: an application becomes an active distributor at once, without review.",
        ),
        "require_documents": _field(
            ConfigurationTypeField.BOOLEAN,
            "Require qualification documents",
            "On: an application needs at least one ID card or business licence image.",
        ),
        "confirm_days_after_fulfilment": _field(
            ConfigurationTypeField.STRING,
            "Confirm commission N days after fulfilment (0-60)",
            "0: confirmed when Saleor reports the order fulfilled. N: automatic receipt "
            "confirmation N days after fulfilment, leaving time for returns.",
        ),
        "settlement_days": _field(
            ConfigurationTypeField.STRING,
            "Settlement hold T+N (business days, 0-30)",
            "Confirmed commission becomes available when the N-th business day after "
            "confirmation begins, in the shop's time zone. Weekends and holidays do not count.",
        ),
        "settlement_holidays": _field(
            ConfigurationTypeField.MULTILINE,
            "Holidays (no settlement)",
            "Dates YYYY-MM-DD separated by commas or new lines; FIRST..LAST for a range, "
            "e.g. 2026-10-01..2026-10-07.",
        ),
        "settlement_workdays": _field(
            ConfigurationTypeField.MULTILINE,
            "Working weekend days (调休)",
            "Saturdays and Sundays worked in exchange for a holiday, YYYY-MM-DD separated by "
            "commas or new lines, e.g. 2026-09-20, 2026-10-10.",
        ),
        "payout_min_amount": _field(
            ConfigurationTypeField.STRING,
            "Minimum payout",
            "Smallest amount a distributor may request, in the payout's currency.",
        ),
        "early_withdrawal": _field(
            ConfigurationTypeField.BOOLEAN,
            "Allow early withdrawal",
            "On: confirmed money still in the T+N hold can be requested, for a fee.",
        ),
        "early_withdrawal_fee_rate": _field(
            ConfigurationTypeField.STRING,
            "Early withdrawal fee (%)",
            "Fee on the part of a payout taken from money still in the hold. 0-100.",
        ),
        "second_approval_above": _field(
            ConfigurationTypeField.STRING,
            "Second approval above",
            "A payout above this amount needs a second staff approver. Empty: never.",
        ),
        "tax_policy": _field(
            ConfigurationTypeField.STRING,
            "Tax withheld from payouts",
            "labour_remuneration (default): Chinese individual income tax on labour "
            "remuneration (劳务报酬), CNY payouts only; flat: tax_flat_rate % of every payout; "
            "none: distributors declare their own tax.",
        ),
        "tax_flat_rate": _field(
            ConfigurationTypeField.STRING,
            "Flat tax rate (%)",
            "Used when the tax policy is flat. 0-100.",
        ),
        "tax_period": _field(
            ConfigurationTypeField.STRING,
            "Tax period",
            "monthly (default): a distributor's payouts in one calendar month are taxed as one "
            "income; per_payout: each payout on its own.",
        ),
    }

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration, **kwargs):  # type: ignore[no-untyped-def]
        try:
            program = ProgramSettings.from_mapping(
                configuration_to_mapping(plugin_configuration.configuration)
            )
        except InvalidProgramSettings as error:
            raise ValidationError(
                {
                    name: ValidationError(message, code="invalid")
                    for name, message in error.errors.items()
                }
            ) from None
        for warning in program.warnings:
            logger.warning("wfx.distribution: %s", warning)

    def webhook(self, request, path, previous_value):  # type: ignore[no-untyped-def]
        # Saleor routes /plugins/wfx.distribution/<path> here even while the plugin is switched
        # off, and with no authentication: the routes check tokens and signatures themselves.
        from django.http import HttpResponseNotFound

        if not self.active or not apps.host_saleor_supported:
            return HttpResponseNotFound("Not found", content_type="text/plain")
        from .http import handle

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

    def order_bulk_created(self, orders, previous_value, **kwargs):  # type: ignore[no-untyped-def]
        # orderBulkCreate imports orders (from a marketplace or an old shop) that may carry a
        # referral code in their metadata like any checkout's.
        for order in orders or ():
            self._schedule(order, "order_bulk_created", previous_value)
        return previous_value

    def _schedule(self, order: Any, event: str, previous_value: Any) -> Any:
        if not self.active or not apps.host_saleor_supported:
            return previous_value
        try:
            order_id = str(order.pk)
            transaction.on_commit(lambda: _enqueue(order_id, event))
        except Exception:
            logger.exception("wfx: could not schedule %s for order %r", event, order)
        return previous_value


def _enqueue(order_id: str, event: str) -> None:
    try:
        from .tasks import process_order_event

        # retry=False: with the broker down, fail at once (the sweep repairs the order) instead
        # of blocking Saleor's request on kombu's publish retries.
        process_order_event.apply_async((order_id, event), retry=False)
    except Exception:
        # A broker outage, or the inline task failing for good: the periodic sweep will
        # reconcile this order later; Saleor's request must not fail because of us.
        logger.exception("wfx: %s for order %s failed; the sweep will retry", event, order_id)

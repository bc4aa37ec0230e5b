"""What Saleor shows staff of the plugin's configuration: every setting's default (for a new shop)
and its form field in Dashboard → Plugins. The values are validated by `ProgramSettings`
(`DistributionPlugin.validate_plugin_configuration`); tests/test_plugin_configuration.py keeps
the defaults equal to `ProgramSettings`' and every default with a field."""

from saleor.plugins.base_plugin import ConfigurationTypeField


def _field(kind: str, label: str, help_text: str) -> dict[str, str]:
    return {"type": kind, "label": label, "help_text": help_text}


DEFAULT_CONFIGURATION = [
    {"name": "referral_metadata_key", "value": "referral_code"},
    {"name": "commission_trigger", "value": "order_fully_paid"},
    {"name": "default_seller_rate", "value": "10"},
    {"name": "level2_rate", "value": "5"},
    {"name": "level3_rate", "value": "2"},
    {"name": "commission_levels", "value": "3"},
    {"name": "max_total_rate", "value": "40"},
    {"name": "grade_team_sales_rules", "value": False},
    {"name": "tax_in_base", "value": False},
    {"name": "promotional_gift_cards_earn", "value": False},
    {"name": "self_purchase_commission", "value": False},
    {"name": "customer_binding", "value": True},
    {"name": "customer_binding_days", "value": "30"},
    {"name": "attribution_window_days", "value": "30"},
    {"name": "storefront_url", "value": ""},
    {"name": "redirect_allowed_hosts", "value": ""},
    {"name": "referral_query_param", "value": "ref"},
    {"name": "auto_approve_applications", "value": False},
    {"name": "require_documents", "value": False},
    {"name": "document_retention_days", "value": "180"},
    {"name": "confirm_days_after_fulfilment", "value": "7"},
    {"name": "confirm_days_after_payment", "value": ""},
    {"name": "settlement_days", "value": "3"},
    {"name": "settlement_holidays", "value": ""},
    {"name": "settlement_workdays", "value": ""},
    {"name": "payout_min_amount", "value": "CNY:10, USD:2"},
    {"name": "early_withdrawal", "value": False},
    {"name": "early_withdrawal_fee_rate", "value": "0.5"},
    {"name": "second_approval_above", "value": "CNY:5000, USD:700"},
    {"name": "tax_policy", "value": "labour_remuneration"},
    {"name": "tax_flat_rate", "value": "20"},
    {"name": "tax_period", "value": "monthly"},
    {"name": "customer_binding_mode", "value": "days"},
    {"name": "customer_binding_protection_days", "value": "0"},
    {"name": "customer_binding_new_customers_only", "value": False},
    {"name": "customer_binding_renew_on_repeat", "value": False},
    {"name": "voucher_beats_referral_code", "value": True},
    {"name": "fraud_review", "value": False},
    {"name": "fraud_hold_score", "value": "50"},
    {"name": "fraud_window_days", "value": "7"},
    {"name": "fraud_repeat_orders", "value": "3"},
    {"name": "fraud_new_distributor_days", "value": "30"},
    {"name": "fraud_conversion_factor", "value": "5"},
    {"name": "group_metadata_key", "value": "group_code"},
    {"name": "group_size", "value": "5"},
    {"name": "group_bonus_rate", "value": "5"},
    {"name": "group_window_days", "value": "3"},
]
CONFIG_STRUCTURE = {
    "group_metadata_key": _field(
        ConfigurationTypeField.STRING,
        "Checkout metadata key of a group code (拼团)",
        "The storefront puts the code of the group the shopper joins under this key.",
    ),
    "group_size": _field(
        ConfigurationTypeField.STRING,
        "Customers that complete a group",
        "Distinct customers who must buy the group's product within its window. 2-1000.",
    ),
    "group_bonus_rate": _field(
        ConfigurationTypeField.STRING,
        "Group reward rate (%)",
        "Extra seller rate on a completed group's orders of the product, within the "
        "combined cap. 0-100.",
    ),
    "group_window_days": _field(
        ConfigurationTypeField.STRING,
        "Group window days",
        "How long a group stays open after the distributor starts it. 1-90.",
    ),
    "customer_binding_mode": _field(
        ConfigurationTypeField.STRING,
        "Customer binding mode (锁粉)",
        "days (default): bound for customer_binding_days; permanent; last_referrer: the "
        "binding moves to whoever referred the customer last.",
    ),
    "customer_binding_protection_days": _field(
        ConfigurationTypeField.STRING,
        "Binding protection days (保护期)",
        "For this many days after a customer is bound, another distributor's code neither "
        "takes their orders nor the customer. 0: off.",
    ),
    "customer_binding_new_customers_only": _field(
        ConfigurationTypeField.BOOLEAN,
        "Bind new customers only",
        "A customer with an earlier paid order in the shop is not bound.",
    ),
    "customer_binding_renew_on_repeat": _field(
        ConfigurationTypeField.BOOLEAN,
        "Repeat orders renew the binding",
        "Each order that earns for the bound distributor starts the binding's days again.",
    ),
    "voucher_beats_referral_code": _field(
        ConfigurationTypeField.BOOLEAN,
        "A distributor's voucher beats a referral code",
        "On (default): an order with a distributor's exclusive voucher goes to that "
        "distributor even when its referral code names another one.",
    ),
    "fraud_review": _field(
        ConfigurationTypeField.BOOLEAN,
        "Fraud review",
        "Score every referred order for self-dealing and farmed orders; commission of an "
        "order at or above fraud_hold_score waits for staff in the review queue.",
    ),
    "fraud_hold_score": _field(
        ConfigurationTypeField.STRING,
        "Fraud score that holds commission",
        "Self-dealing signals score 60, repeated address or device 30, a new distributor's "
        "orders to one address 40, a conversion outlier 20.",
    ),
    "fraud_window_days": _field(
        ConfigurationTypeField.STRING,
        "Fraud window days",
        "Repeated addresses, devices and conversion are counted over this many days.",
    ),
    "fraud_repeat_orders": _field(
        ConfigurationTypeField.STRING,
        "Orders that make a pattern",
        "Referred orders from one address or device in the window that raise a signal.",
    ),
    "fraud_new_distributor_days": _field(
        ConfigurationTypeField.STRING,
        "New distributor days",
        "A distributor counts as new for this many days after joining.",
    ),
    "fraud_conversion_factor": _field(
        ConfigurationTypeField.STRING,
        "Conversion outlier factor",
        "A distributor converting more than this many times the shop's rate is an outlier.",
    ),
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
    "max_total_rate": _field(
        ConfigurationTypeField.STRING,
        "Combined rate cap (%)",
        "All levels' rates on one line together (the seller's highest grade, product or "
        "category rate included) may not exceed this. 0-100; default 40.",
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
    "promotional_gift_cards_earn": _field(
        ConfigurationTypeField.BOOLEAN,
        "Goods paid with promotional gift cards earn",
        "Off: what a gift card issued by staff or an app paid earns nothing (no money was "
        "received for it). Cards customers bought always count as money.",
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
    "document_retention_days": _field(
        ConfigurationTypeField.STRING,
        "Keep ID documents N days after the decision (0-3650)",
        "Applicants' ID card and business licence files are deleted this many days after "
        "the application is approved or rejected (default 180); the record that they were "
        "received stays.",
    ),
    "confirm_days_after_fulfilment": _field(
        ConfigurationTypeField.STRING,
        "Confirm commission N days after fulfilment (0-60)",
        "0: confirmed when Saleor reports the order fulfilled. N (default 7, China's "
        "seven-day return from receipt): automatic receipt confirmation N days after "
        "fulfilment, leaving time for returns.",
    ),
    "confirm_days_after_payment": _field(
        ConfigurationTypeField.STRING,
        "Confirm commission N days after payment if never fulfilled (0-90)",
        "For shops that do not record fulfilments in Saleor: an order with no fulfilment "
        "N days after it was paid is confirmed then. At least the fulfilment days. Empty: "
        "off (such commission stays pending).",
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
        "Per currency, e.g. CNY:10, USD:2 (ISO codes). A currency not listed cannot be paid "
        "out. A plain number applies to every currency.",
    ),
    "early_withdrawal": _field(
        ConfigurationTypeField.BOOLEAN,
        "Allow early withdrawal",
        "On: confirmed money still in the T+N hold can be requested, for a fee. Off by "
        "default: held money may still be refunded, and once paid it can only be clawed "
        "back from later commission.",
    ),
    "early_withdrawal_fee_rate": _field(
        ConfigurationTypeField.STRING,
        "Early withdrawal fee (%)",
        "Fee on the part of a payout taken from money still in the hold. 0-100.",
    ),
    "second_approval_above": _field(
        ConfigurationTypeField.STRING,
        "Second approval above",
        "Per currency, e.g. CNY:5000, USD:700: a payout above it needs a second staff "
        "approver; in a currency not listed, every payout does. A plain number applies to "
        "every currency. Empty: never.",
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
        "monthly (default): a person's payouts approved in one calendar month, across all "
        "their accounts, are taxed as one income; per_payout: each payout on its own.",
    ),
}

from __future__ import annotations

import graphene

from ...domain.messages import DomainError
from ...domain_messages import refusal
from ...errors import ProgrammeError

# --- Errors ----------------------------------------------------------------------------------
ERROR_CODES = (
    # Generic
    "graphql_error",
    "invalid",
    "not_found",
    "required",
    "unique",
    "program_inactive",
    "rate_limited",
    # Distributors and applications
    "invalid_code",
    "code_exhausted",
    "not_authenticated",
    "already_distributor",
    "application_pending",
    "already_reviewed",
    "invalid_status",
    "reason_required",
    "reason_too_long",
    "name_too_long",
    "invalid_phone",
    "invalid_email",
    "invalid_invite_code",
    "documents_required",
    "too_many_documents",
    "document_too_large",
    "invalid_document_type",
    "invalid_document_kind",
    "upline_not_found",
    "upline_inactive",
    "upline_cycle",
    "inactive_distributor",
    "grade_not_found",
    "grade_required",
    "grade_in_use",
    "rate_above_cap",
    "team_sales_rules_off",
    "product_not_found",
    "invalid_month",
    # Money
    "invalid_amount",
    "below_minimum",
    "currency_not_payable",
    "insufficient_funds",
    "negative_balance",
    "early_withdrawal_disabled",
    "invalid_payee",
    "id_number_required",
    "idempotency_conflict",
    "same_approver",
    "already_paid",
    # Separation of duties
    "staff_only",
    "own_distributor",
    # Money given back outside Saleor
    "currency_mismatch",
    "exceeds_remaining",
    "nothing_to_reverse",
    # Orders
    "not_programme_off",
    "self_purchase",
    # Payout batches and tax
    "nothing_to_export",
    "identity_mismatch",
    "invalid_id_number",
    "tax_month_exported",
    "month_not_over",
    # Imports
    "too_large",
    "invalid_file",
    # Personal data
    "erased",
    "open_payouts",
    "balance_not_settled",
    "tax_month_not_filed",
    "encryption_not_configured",
    "encryption_key_missing",
    # Fraud review, bindings and vouchers
    "not_held",
    "balance_frozen",
    "not_bound",
    "voucher_exists",
)


DistributionErrorCode = graphene.Enum(
    "DistributionErrorCode",
    [(code.upper(), code.upper()) for code in ERROR_CODES],
    description="Stable error codes of the distribution API's mutations.",
)


class DistributionError(graphene.ObjectType):
    field = graphene.String(
        description="Input field the error is about (camelCase), or null for the whole input."
    )
    message = graphene.String(required=True)
    code = DistributionErrorCode(required=True)
    detail_code = graphene.String(
        description=(
            "When a rule of the programme refused the input (a rate outside 0-100%, a date not "
            "written YYYY-MM-DD...): that rule's stable code, e.g. NOT_A_DATE, finer than `code`."
        )
    )


def error_from(exc: ProgrammeError | DomainError) -> DistributionError:
    if isinstance(exc, DomainError):
        exc = refusal(exc, field=getattr(exc, "field", None))
    code = exc.code if exc.code in ERROR_CODES else "invalid"
    return DistributionError(
        field=exc.field,
        message=str(exc),
        code=code.upper(),
        detail_code=exc.detail_code.upper() if exc.detail_code else None,
    )

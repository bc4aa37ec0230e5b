"""The conventions every part of the API shares, following Saleor's: Relay ids, counted
connections with `first/after`, money as `{amount currency}`, mutation errors with stable codes,
and permission errors as top-level GraphQL errors."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import graphene
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from graphql import GraphQLError
from graphql_relay import from_global_id

from ..auth import Permission, Viewer
from ..models import Distributor
from ..services.distributors import DistributorError

ModelT = TypeVar("ModelT", bound=Model)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PermissionDenied(Exception):
    """Raised inside a resolver; shown as a top-level error like Saleor's, with no data."""

    def __init__(self, permissions: tuple[Permission, ...] = ()):
        if permissions:
            names = ", ".join(permission.value for permission in permissions)
            message = f"You need one of the following permissions: {names}"
        else:
            message = "You do not have permission to perform this action"
        super().__init__(message)


@dataclass
class RequestContext:
    """`info.context` for every resolver."""

    request: HttpRequest
    viewer: Viewer
    # Absolute URL of the plugin's routes, e.g. https://api.example.com/plugins/wfx.distribution
    base_url: str
    _own_distributor: Distributor | None = None
    _own_distributor_loaded: bool = False
    cache: dict[str, Any] = field(default_factory=dict)

    def own_distributor(self) -> Distributor | None:
        if not self._own_distributor_loaded:
            self._own_distributor_loaded = True
            if self.viewer.is_customer:
                from ..services.distributors import link_account

                self._own_distributor = (
                    Distributor.objects.select_related("grade")
                    .filter(user_id=self.viewer.user_id)
                    .first()
                ) or link_account(self.viewer)
        return self._own_distributor


def context(info: Any) -> RequestContext:
    ctx: RequestContext = info.context
    return ctx


def viewer(info: Any) -> Viewer:
    return context(info).viewer


def require_permission(info: Any, permission: Permission) -> Viewer:
    current = viewer(info)
    if not current.has_perm(permission):
        raise PermissionDenied((permission,))
    return current


def require_customer(info: Any) -> Viewer:
    current = viewer(info)
    if not current.is_customer:
        raise PermissionDenied()
    return current


def active_program() -> Any:
    """The programme's settings for a mutation that needs them; a clear error while it is off."""
    from ..shop import get_shop

    program = get_shop().program_settings()
    if program is None:
        raise DistributorError("The programme is switched off.", code="program_inactive")
    return program


def is_staff_with(info: Any, permission: Permission) -> bool:
    return viewer(info).has_perm(permission)


# --- Errors ----------------------------------------------------------------------------------
ERROR_CODES = (
    # Generic
    "graphql_error",
    "invalid",
    "not_found",
    "required",
    "unique",
    "program_inactive",
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


def error_from(exc: DistributorError) -> DistributionError:
    code = exc.code if exc.code in ERROR_CODES else "invalid"
    return DistributionError(field=exc.field, message=str(exc), code=code.upper())


# --- Ids -------------------------------------------------------------------------------------
def decode_id(global_id: str, expected_type: str, *, field: str = "id") -> str:
    """The primary key inside a Relay id of `expected_type`; a clear error otherwise."""
    try:
        type_name, pk = from_global_id(global_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        type_name, pk = "", ""
    if type_name != expected_type or not pk:
        raise DistributorError(
            f"Couldn't resolve id {global_id!r}: expected a {expected_type} id.",
            code="not_found",
            field=field,
        )
    return pk


def get_by_id(
    queryset: QuerySet[ModelT], global_id: str, type_name: str, *, field: str = "id"
) -> ModelT:
    pk = decode_id(global_id, type_name, field=field)
    if not pk.isdigit():
        raise DistributorError(
            f"No {type_name} with id {global_id!r}.", code="not_found", field=field
        )
    found = queryset.filter(pk=int(pk)).first()
    if found is None:
        raise DistributorError(
            f"No {type_name} with id {global_id!r}.", code="not_found", field=field
        )
    return found


# --- Money -----------------------------------------------------------------------------------
class Money(graphene.ObjectType):
    class Meta:
        description = (
            "An amount of money. `amount` is a decimal string in the currency's major unit "
            '("299.00"), never a float.'
        )

    amount = graphene.Decimal(required=True)
    currency = graphene.String(required=True)


def money(amount: Decimal, currency: str) -> Money:
    from ..domain.money import quantize

    return Money(amount=quantize(Decimal(amount), currency), currency=currency)


# --- Uploads (GraphQL multipart request spec, as Saleor uses) ---------------------------------
class Upload(graphene.types.Scalar):
    """A file sent with the GraphQL multipart request convention (`operations`, `map`, files)."""

    @staticmethod
    def serialize(value: Any) -> Any:
        return value

    @staticmethod
    def parse_literal(node: Any) -> Any:
        return node

    @staticmethod
    def parse_value(value: Any) -> Any:
        return value


# --- Pagination ------------------------------------------------------------------------------
class CountableConnection(graphene.relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Number of items across all pages.")

    @staticmethod
    def resolve_total_count(root: Any, info: Any) -> int:
        count: int = root.count_all()
        return count


def _encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        prefix, _, number = base64.b64decode(cursor, validate=True).decode().partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise GraphQLError(f"Invalid cursor {cursor!r}.") from None
    if prefix != "offset" or offset < 0:
        raise GraphQLError(f"Invalid cursor {cursor!r}.")
    return offset


def paginate(
    queryset: QuerySet[Any], connection_type: Any, first: int | None, after: str | None
) -> Any:
    """One page: fetches `first + 1` rows to know whether there is a next page; counts all rows
    only when the client asks for `totalCount`."""
    if first is None:
        first = DEFAULT_PAGE_SIZE
    if first < 0 or first > MAX_PAGE_SIZE:
        raise GraphQLError(f"`first` must be between 0 and {MAX_PAGE_SIZE}.")
    start = _decode_cursor(after) + 1 if after else 0
    rows = list(queryset[start : start + first + 1])
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [
        connection_type.Edge(node=row, cursor=_encode_cursor(start + index))
        for index, row in enumerate(rows)
    ]
    connection = connection_type(
        edges=edges,
        page_info=graphene.relay.PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_next_page=has_next,
            has_previous_page=start > 0,
        ),
    )
    connection.count_all = queryset.count
    return connection


class DateTimeRangeInput(graphene.InputObjectType):
    gte = graphene.DateTime(description="From this moment (inclusive).")
    lte = graphene.DateTime(description="Until this moment (inclusive).")

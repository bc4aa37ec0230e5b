from __future__ import annotations

from typing import Any

import graphene

from ...errors import ProgrammeError
from ...models import Distributor, LedgerEntry, Payout
from ..core.ids import decode_id, get_by_id, parse_pk
from ..core.types import DateTimeRangeInput
from .types import PayoutMethodEnum, PayoutStatusEnum


class PayoutFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(PayoutStatusEnum))
    distributor = graphene.ID()
    method = PayoutMethodEnum()
    date_range = graphene.Field(DateTimeRangeInput, description="When requested.")


def _payouts_of(queryset: Any, where: Any) -> Any:
    where = where or {}
    if where.get("status"):
        queryset = queryset.filter(status__in=list(where["status"]))
    if where.get("method"):
        queryset = queryset.filter(method=where["method"])
    if where.get("distributor"):
        from ..core.ids import _pk

        queryset = queryset.filter(distributor_id=_pk(where["distributor"], "Distributor"))
    date_range = where.get("date_range") or {}
    if date_range.get("gte"):
        queryset = queryset.filter(created_at__gte=date_range["gte"])
    if date_range.get("lte"):
        queryset = queryset.filter(created_at__lte=date_range["lte"])
    return queryset.select_related("distributor__identity", "tax_identity").order_by(
        "-created_at", "-id"
    )


def _ledger_of(distributor: Distributor, currency: str | None) -> Any:
    entries = LedgerEntry.objects.filter(distributor=distributor).select_related(
        "settlement__attribution", "payout"
    )
    if currency:
        entries = entries.filter(currency=currency.upper())
    return entries.order_by("-id")


def _payout(global_id: str) -> Payout:
    return get_by_id(Payout.objects.all(), global_id, "Payout")


def _payout_pk(global_id: str) -> int:
    try:
        pk = decode_id(global_id, "Payout", field="ids")
    except ProgrammeError:
        return 0  # no payout has it: that row reports NOT_FOUND
    return parse_pk(pk) or 0

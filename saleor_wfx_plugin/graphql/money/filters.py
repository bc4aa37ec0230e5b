from __future__ import annotations

from typing import Any

import graphene

from ...errors import ProgrammeError
from ...models import Distributor, Payout
from ...selectors.distributors import distributors
from ..core.ids import _pk, decode_id, get_by_id, parse_pk
from ..core.types import DateTimeRangeInput
from .types import PayoutMethodEnum, PayoutStatusEnum


class PayoutFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(PayoutStatusEnum))
    distributor = graphene.ID()
    method = PayoutMethodEnum()
    date_range = graphene.Field(DateTimeRangeInput, description="When requested.")


def _payouts_of(where: Any) -> dict[str, Any]:
    """The payout filter as the selector's arguments."""
    where = where or {}
    date_range = where.get("date_range") or {}
    arguments: dict[str, Any] = {
        "statuses": where.get("status") or (),
        "method": where.get("method") or None,
        "requested_from": date_range.get("gte"),
        "requested_to": date_range.get("lte"),
    }
    if where.get("distributor"):
        arguments["distributor_id"] = _pk(where["distributor"], "Distributor")
    return arguments


def distributor_by_global_id(global_id: str) -> Distributor:
    return get_by_id(distributors(), global_id, "Distributor", field="distributor")


def _payout(global_id: str) -> Payout:
    return get_by_id(Payout, global_id, "Payout")


def _payout_pk(global_id: str) -> int:
    try:
        pk = decode_id(global_id, "Payout", field="ids")
    except ProgrammeError:
        return 0  # no payout has it: that row reports NOT_FOUND
    return parse_pk(pk) or 0

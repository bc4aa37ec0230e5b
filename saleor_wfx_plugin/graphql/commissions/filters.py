from __future__ import annotations

import uuid
from typing import Any

import graphene
from django.utils.translation import gettext as _

from ...errors import InputError
from ...models import ReferralAttribution
from ...selectors.orders import find_order
from ..core.ids import _pk, decode_id
from ..core.types import DateTimeRangeInput
from .types import AttributionReasonEnum, AttributionSourceEnum, CommissionStatusEnum


def _order_uuid(order_id: str) -> str:
    """Saleor's global id of the order (as the dashboard shows it) or its bare UUID."""
    try:
        return str(uuid.UUID(order_id))
    except ValueError:
        pass
    pk = decode_id(order_id, "Order", field="orderId")
    try:
        return str(uuid.UUID(pk))
    except ValueError:
        raise InputError(
            _("No order with id %(order_id)r.") % {"order_id": order_id},
            code="not_found",
            field="orderId",
        ) from None


def _find(order_id: str | None, order_number: str | None) -> ReferralAttribution | None:
    if (order_id is None) == (order_number is None):
        raise InputError(_("Give either orderId or orderNumber."), code="graphql_error")
    if order_id is not None:
        return find_order(order_id=_order_uuid(order_id))
    return find_order(order_number=order_number)


class OrderAttributionFilterInput(graphene.InputObjectType):
    order_number = graphene.String(description="Saleor order number, exact.")
    reason = graphene.List(graphene.NonNull(AttributionReasonEnum))
    source = graphene.List(graphene.NonNull(AttributionSourceEnum))
    date_range = graphene.Field(DateTimeRangeInput, description="When the order was placed.")


def attribution_filter(where: Any) -> dict[str, Any]:
    """The attribution filter as the selector's arguments."""
    where = where or {}
    date_range = where.get("date_range") or {}
    return {
        "order_number": (where.get("order_number") or "").strip(),
        "reasons": where.get("reason") or (),
        "sources": where.get("source") or (),
        "placed_from": date_range.get("gte"),
        "placed_to": date_range.get("lte"),
    }


class CommissionFilterInput(graphene.InputObjectType):
    order_number = graphene.String(description="Saleor order number, exact.")
    distributor = graphene.ID(description="Distributor id (staff only, or the viewer's own).")
    status = graphene.List(graphene.NonNull(CommissionStatusEnum))
    date_range = graphene.Field(DateTimeRangeInput, description="When the order was placed.")
    level = graphene.List(
        graphene.NonNull(graphene.Int), description="1 = seller, 2 = upline, 3 = its upline."
    )


def commission_filter(where: Any) -> dict[str, Any]:
    """The commission filter as the selector's arguments."""
    where = where or {}
    date_range = where.get("date_range") or {}
    arguments: dict[str, Any] = {
        "order_number": (where.get("order_number") or "").strip(),
        "statuses": where.get("status") or (),
        "levels": where.get("level") or (),
        "placed_from": date_range.get("gte"),
        "placed_to": date_range.get("lte"),
    }
    if where.get("distributor"):
        arguments["distributor_id"] = _pk(where["distributor"], "Distributor")
    return arguments

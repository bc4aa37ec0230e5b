from __future__ import annotations

import uuid
from typing import Any

import graphene
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ...errors import InputError
from ...models import (
    CommissionLine,
    ReferralAttribution,
)
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


def _attributions(where: Any) -> Any:
    queryset = ReferralAttribution.objects.select_related("seller")
    where = where or {}
    if where.get("order_number"):
        queryset = queryset.filter(order_number=where["order_number"].strip())
    if where.get("reason"):
        queryset = queryset.filter(code_rejection__in=list(where["reason"]))
    if where.get("source"):
        queryset = queryset.filter(source__in=list(where["source"]))
    date_range = where.get("date_range") or {}
    if date_range.get("gte"):
        queryset = queryset.filter(placed_at__gte=date_range["gte"])
    if date_range.get("lte"):
        queryset = queryset.filter(placed_at__lte=date_range["lte"])
    return queryset.order_by("-placed_at", "-id")


class CommissionFilterInput(graphene.InputObjectType):
    order_number = graphene.String(description="Saleor order number, exact.")
    distributor = graphene.ID(description="Distributor id (staff only, or the viewer's own).")
    status = graphene.List(graphene.NonNull(CommissionStatusEnum))
    date_range = graphene.Field(DateTimeRangeInput, description="When the order was placed.")
    level = graphene.List(
        graphene.NonNull(graphene.Int), description="1 = seller, 2 = upline, 3 = its upline."
    )


def _filter_commissions(queryset: QuerySet[CommissionLine], where: Any) -> QuerySet[CommissionLine]:
    if not where:
        return queryset
    if where.get("order_number"):
        queryset = queryset.filter(attribution__order_number=where["order_number"].strip())
    if where.get("distributor"):
        queryset = queryset.filter(distributor_id=_pk(where["distributor"], "Distributor"))
    if where.get("status"):
        queryset = queryset.filter(commission_status__in=list(where["status"]))
    if where.get("level"):
        queryset = queryset.filter(level__in=list(where["level"]))
    date_range = where.get("date_range") or {}
    if date_range.get("gte"):
        queryset = queryset.filter(attribution__placed_at__gte=date_range["gte"])
    if date_range.get("lte"):
        queryset = queryset.filter(attribution__placed_at__lte=date_range["lte"])
    return queryset

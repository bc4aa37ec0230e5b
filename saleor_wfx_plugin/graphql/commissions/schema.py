from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _

from ...auth import Permission
from ...errors import InputError
from ...models import (
    ReferralAttribution,
)
from ...selectors.commissions import (
    all_commission_lines,
    distributor_commission_lines,
    order_attribution,
    order_attributions,
)
from ...selectors.programme import programme_switches
from ..core.connection import paginate
from ..core.context import (
    PermissionDenied,
    context,
    is_staff_with,
    require_permission,
)
from ..core.ids import _pk
from ..core.sorting import CommissionSortingInput, sort_order
from ..programme.types import ProgrammeSwitchConnection
from .filters import (
    CommissionFilterInput,
    OrderAttributionFilterInput,
    _find,
    attribution_filter,
    commission_filter,
)
from .mutations.attribution import OrderAttribute
from .mutations.reversal import OrderCommissionReverse
from .types import (
    CommissionConnection,
    OrderAttributionConnection,
    OrderAttributionType,
    OrderCommissionType,
)

COMMISSION_SORT = {
    "created_at": ("attribution__placed_at", "attribution_id", "level", "id"),
    "amount": ("net_amount", "id"),
}


class RefundsQuery:
    """Fields mixed into `Query`."""

    order_commission = graphene.Field(
        OrderCommissionType,
        order_id=graphene.ID(description="Saleor order id (global id or UUID)."),
        order_number=graphene.String(),
        description="One order's commission and its reversals. Requires MANAGE_ORDERS.",
    )

    @staticmethod
    def resolve_order_commission(
        root: Any, info: Any, order_id: str | None = None, order_number: str | None = None
    ) -> ReferralAttribution | None:
        require_permission(info, Permission.MANAGE_ORDERS)
        return _find(order_id, order_number)


class AttributionQuery:
    """Fields mixed into `Query`."""

    order_attribution = graphene.Field(
        OrderAttributionType,
        order_id=graphene.UUID(),
        order_number=graphene.String(),
        description="One order's attribution, by Saleor order id or number; null when the "
        "programme has no record of it. Requires MANAGE_ORDERS.",
    )
    order_attributions = graphene.Field(
        OrderAttributionConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=OrderAttributionFilterInput(),
        description="Orders the programme recorded, newest first, e.g. those placed while it "
        "was off (`filter: {reason: [PROGRAMME_OFF]}`). Requires MANAGE_ORDERS.",
    )
    programme_switches = graphene.Field(
        ProgrammeSwitchConnection,
        first=graphene.Int(),
        after=graphene.String(),
        description="When the programme was switched on and off, latest first. "
        "Requires MANAGE_ORDERS.",
    )

    @staticmethod
    def resolve_order_attribution(
        root: Any, info: Any, order_id: Any = None, order_number: str | None = None
    ) -> ReferralAttribution | None:

        require_permission(info, Permission.MANAGE_ORDERS)
        if (order_id is None) == (order_number is None):
            raise InputError(_("Give either orderId or orderNumber."), code="graphql_error")
        return order_attribution(order_id=order_id, order_number=order_number)

    @staticmethod
    def resolve_order_attributions(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
    ) -> Any:
        require_permission(info, Permission.MANAGE_ORDERS)
        queryset = order_attributions(**attribution_filter(filter))
        return paginate(queryset, OrderAttributionConnection, first, after)

    @staticmethod
    def resolve_programme_switches(
        root: Any, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        require_permission(info, Permission.MANAGE_ORDERS)
        return paginate(programme_switches(), ProgrammeSwitchConnection, first, after)


class CommissionsQueries(graphene.ObjectType):
    """Fields mixed into `Query`."""

    commissions = graphene.Field(
        CommissionConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=CommissionFilterInput(),
        sort_by=CommissionSortingInput(description="Default: newest order first."),
        description="Staff with MANAGE_ORDERS see every commission; a distributor sees their own.",
    )

    @staticmethod
    def resolve_commissions(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
        sort_by: Any = None,
    ) -> Any:
        where = dict(filter or {})
        order = sort_order(sort_by, COMMISSION_SORT, ())
        if is_staff_with(info, Permission.MANAGE_ORDERS):
            queryset = all_commission_lines(**commission_filter(where))
        else:
            own = context(info).own_distributor()
            if own is None:
                raise PermissionDenied((Permission.MANAGE_ORDERS,))
            if where.get("distributor") and _pk(where["distributor"], "Distributor") != own.pk:
                raise PermissionDenied((Permission.MANAGE_ORDERS,))
            queryset = distributor_commission_lines(own, **commission_filter(where))
        return paginate(queryset, CommissionConnection, first, after, order)


class CommissionsMutations(graphene.ObjectType):
    order_commission_reverse = OrderCommissionReverse.Field()
    order_attribute = OrderAttribute.Field()

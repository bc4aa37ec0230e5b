"""Staff's fields on `Distributor` for the dashboard: balances, this month's sales, team size,
upline chain, team, and the distributor's commissions, ledger and payouts.

The figures of a page of distributors are read together: a list resolver calls `share_page`
(`core.pages`) on the rows it returns, and the first row whose figures are asked for loads them
for the whole page (`figures_of_many`, four queries), so
`distributors(first: 100) {balances monthSales teamSize}` costs what `first: 1` costs.
"""

from __future__ import annotations

from typing import Any

import graphene

from ...auth import Permission
from ...models import Distributor
from ...selectors.balances import Balance
from ...selectors.commissions import distributor_commission_lines
from ...selectors.distributor_lists import (
    DistributorFigures,
    figures_of_many,
    team_of,
    team_window_of,
)
from ..core.connection import paginate
from ..core.context import PermissionDenied, context, is_staff_with, viewer
from ..core.pages import page_ids, share_connection_page
from ..core.types import money

_CACHE_KEY = "distributor_figures"


def _figures(info: Any, distributor: Distributor) -> DistributorFigures:
    cache: dict[int, DistributorFigures] = context(info).cache.setdefault(_CACHE_KEY, {})
    if distributor.pk not in cache:
        page = page_ids(distributor) or (distributor.pk,)
        cache.update(figures_of_many({distributor.pk, *(pk for pk in page if pk not in cache)}))
    return cache[distributor.pk]


def _is_self(info: Any, distributor: Distributor) -> bool:
    if not viewer(info).is_customer:
        return False
    own = context(info).own_distributor()
    return own is not None and own.pk == distributor.pk


def _require(info: Any, distributor: Distributor, *permissions: Permission) -> None:
    if _is_self(info, distributor):
        return
    if any(is_staff_with(info, permission) for permission in permissions):
        return
    raise PermissionDenied(permissions)


class StaffDistributorFields:
    """Mixed into `DistributorType`."""

    balances = graphene.List(
        graphene.NonNull(lambda: _money_types().BalanceType),
        required=True,
        description="Per currency, from the ledger. Staff with MANAGE_USERS or HANDLE_PAYMENTS, "
        "and the distributor themself.",
    )
    month_sales = graphene.List(
        graphene.NonNull(lambda: _sales_figures_type()),
        required=True,
        description="This calendar month in the shop's time zone, per currency (as me.sales). "
        "Staff with MANAGE_USERS, and the distributor themself.",
    )
    team_size = graphene.Int(
        required=True,
        description="Distributors in the two levels below (the levels commission is paid on). "
        "Staff with MANAGE_USERS, and the distributor themself.",
    )
    upline_chain = graphene.List(
        graphene.NonNull(lambda: _distributor_type()),
        required=True,
        description="The upline, then its upline: at most two. Staff with MANAGE_USERS (empty "
        "for anyone else, as `upline`).",
    )
    team = graphene.Field(
        lambda: _distributor_connection(),
        first=graphene.Int(),
        after=graphene.String(),
        description="The two levels below, recruits first; each node's `teamLevel` says which. "
        "Staff with MANAGE_USERS (a distributor sees their team masked, in me.team); anyone "
        "else gets a PermissionDenied error.",
    )
    team_level = graphene.Int(
        description="1 or 2 on a node of `team`: how far below the distributor asked about."
    )
    commissions = graphene.Field(
        lambda: _commission_connection(),
        first=graphene.Int(),
        after=graphene.String(),
        description="Newest order first. Staff with MANAGE_USERS or MANAGE_ORDERS, and the "
        "distributor themself.",
    )
    ledger = graphene.Field(
        lambda: _money_types().LedgerEntryConnection,
        first=graphene.Int(),
        after=graphene.String(),
        description="Newest first. Staff with HANDLE_PAYMENTS, and the distributor themself; "
        "anyone else gets a PermissionDenied error.",
    )
    payouts = graphene.Field(
        lambda: _money_types().PayoutConnection,
        first=graphene.Int(),
        after=graphene.String(),
        description="Newest first. Staff with HANDLE_PAYMENTS, and the distributor themself; "
        "anyone else gets a PermissionDenied error.",
    )

    @staticmethod
    def resolve_balances(root: Distributor, info: Any) -> list[Balance]:
        _require(info, root, Permission.MANAGE_USERS, Permission.HANDLE_PAYMENTS)
        return _figures(info, root).balances

    @staticmethod
    def resolve_month_sales(root: Distributor, info: Any) -> list[Any]:
        from .team import SalesFiguresType

        _require(info, root, Permission.MANAGE_USERS)
        return [
            SalesFiguresType(
                currency=item.currency,
                own_sales=money(item.own_sales, item.currency),
                team_sales=money(item.team_sales, item.currency),
                orders=item.orders,
            )
            for item in _figures(info, root).month_sales
        ]

    @staticmethod
    def resolve_team_size(root: Distributor, info: Any) -> int:
        _require(info, root, Permission.MANAGE_USERS)
        return _figures(info, root).team_size

    @staticmethod
    def resolve_upline_chain(root: Distributor, info: Any) -> list[Distributor]:
        if not is_staff_with(info, Permission.MANAGE_USERS):
            return []
        chain = []
        upline = root.upline
        if upline is not None:
            chain.append(upline)
            if upline.upline is not None:
                chain.append(upline.upline)
        return chain

    @staticmethod
    def resolve_team(
        root: Distributor, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        if not is_staff_with(info, Permission.MANAGE_USERS):
            raise PermissionDenied((Permission.MANAGE_USERS,))
        return share_connection_page(
            paginate(
                team_of(root),
                _distributor_connection(),
                first,
                after,
                window=team_window_of(root),
            )
        )

    @staticmethod
    def resolve_team_level(root: Distributor, info: Any) -> int | None:
        return getattr(root, "team_level", None)

    @staticmethod
    def resolve_commissions(
        root: Distributor, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        _require(info, root, Permission.MANAGE_USERS, Permission.MANAGE_ORDERS)
        lines = distributor_commission_lines(root)
        return paginate(lines, _commission_connection(), first, after)

    @staticmethod
    def resolve_ledger(
        root: Distributor, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        from ...selectors.payouts import ledger_entries

        _require(info, root, Permission.HANDLE_PAYMENTS)
        return paginate(ledger_entries(root), _money_types().LedgerEntryConnection, first, after)

    @staticmethod
    def resolve_payouts(
        root: Distributor, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        from ...selectors.payouts import distributor_payouts

        _require(info, root, Permission.HANDLE_PAYMENTS)
        payouts = distributor_payouts(root)
        return share_connection_page(
            paginate(payouts, _money_types().PayoutConnection, first, after)
        )


# The types below import `DistributorType` themselves: looked up when the schema is built.
def _money_types() -> Any:
    from ..money import types

    return types


def _sales_figures_type() -> Any:
    from .team import SalesFiguresType

    return SalesFiguresType


def _distributor_type() -> Any:
    from .types import DistributorType

    return DistributorType


def _distributor_connection() -> Any:
    from .types import DistributorConnection

    return DistributorConnection


def _commission_connection() -> Any:
    from ..commissions.types import CommissionConnection

    return CommissionConnection

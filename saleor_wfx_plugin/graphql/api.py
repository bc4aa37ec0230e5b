"""The distribution API's schema, assembled from its domains like Saleor's `graphql/api.py`.

Who sees what (README, "Permissions"): anonymous visitors see nothing about any distributor;
a customer sees their own application and distributor record, masked aggregates of the two levels
below them and their own commissions; staff see what their Saleor permissions cover.
"""

from __future__ import annotations

import graphene

from .commissions.schema import (
    AttributionQuery,
    CommissionsMutations,
    CommissionsQueries,
    RefundsQuery,
)
from .core.scalars import tighten_decimal_scalar
from .dashboard.schema import DashboardMutations, DashboardQueries
from .distributors.schema import DistributorsMutations, DistributorsQueries
from .fraud.schema import FraudMutations, FraudQueries
from .money.schema import BatchQuery, MoneyMutations, MoneyQuery, TaxQuery
from .programme.schema import ProgrammeMutations, ProgrammeQueries


class Query(
    DistributorsQueries,
    CommissionsQueries,
    RefundsQuery,
    AttributionQuery,
    MoneyQuery,
    BatchQuery,
    TaxQuery,
    ProgrammeQueries,
    FraudQueries,
    DashboardQueries,
    graphene.ObjectType,
):
    pass


class Mutation(
    DistributorsMutations,
    CommissionsMutations,
    MoneyMutations,
    ProgrammeMutations,
    FraudMutations,
    DashboardMutations,
    graphene.ObjectType,
):
    pass


schema = tighten_decimal_scalar(graphene.Schema(query=Query, mutation=Mutation))

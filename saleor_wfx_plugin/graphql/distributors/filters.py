from __future__ import annotations

import graphene

from ..core.sorting import DateRangeInput
from .types import ApplicationStatusEnum, DistributorStatusEnum


class DistributorFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Code, name, e-mail or phone (contains).")
    status = graphene.List(graphene.NonNull(DistributorStatusEnum))
    grade = graphene.ID(description="Grade id.")
    upline = graphene.ID(description="Distributor id of the recruiter.")
    joined_at = graphene.Field(DateRangeInput, description="When the distributor joined.")


class ApplicationFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Name, e-mail or phone (contains).")
    status = graphene.List(graphene.NonNull(ApplicationStatusEnum))

from __future__ import annotations

from typing import Any, ClassVar

import graphene
from django.db import transaction

from ...auth import Permission
from ...domain.messages import DomainError
from ...errors import ProgrammeError
from ..money.types import PayoutBulkResult
from .context import limit_rate, require_permission
from .errors import DistributionError, error_from


class BaseMutation(graphene.Mutation):
    class Meta:
        abstract = True

    errors = graphene.List(graphene.NonNull(DistributionError), required=True)

    permission: ClassVar[Permission | None] = None
    # An action of `rate_limits.DEFAULT_RATE_LIMITS` each attempt of this mutation counts for.
    rate_limit: ClassVar[str | None] = None

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> Any:
        if cls.permission is not None:
            require_permission(info, cls.permission)
        try:
            if cls.rate_limit is not None:
                limit_rate(info, cls.rate_limit)
            with transaction.atomic():
                return cls.perform(info, **data)
        # A rule of the domain that a service let through is still the client's mistake.
        except (ProgrammeError, DomainError) as error:
            return cls(errors=[error_from(error)])

    @classmethod
    def perform(cls, info: Any, **data: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def ok(cls, **fields: Any) -> Any:
        return cls(errors=[], **fields)


class BulkMutation(BaseMutation):
    """Row by row, each in its own transaction (see services/payouts/bulk.py): one bad row does
    not undo the good ones, and no transaction holds two distributors' locks."""

    class Meta:
        abstract = True

    results = graphene.List(graphene.NonNull(PayoutBulkResult), required=True)

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> Any:
        if cls.permission is not None:
            require_permission(info, cls.permission)
        try:
            return cls.perform(info, **data)
        except (ProgrammeError, DomainError) as error:
            return cls(errors=[error_from(error)], results=[])

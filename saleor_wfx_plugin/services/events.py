"""The audit trail: one `DistributorEvent` per change of a distributor, with who and why."""

from __future__ import annotations

from typing import Any

from ..models import Distributor, DistributorEvent

SYSTEM_ACTOR = "system"


def record_event(
    distributor: Distributor,
    kind: DistributorEvent.Kind,
    *,
    actor: str,
    reason: str = "",
    idempotency_key: str | None = None,
    **data: Any,
) -> DistributorEvent:
    return DistributorEvent.objects.create(
        distributor=distributor,
        kind=kind,
        actor=actor,
        reason=reason[:500],
        idempotency_key=idempotency_key,
        data=data,
    )

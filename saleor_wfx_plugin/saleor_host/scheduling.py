"""Turning Saleor's order hooks into reconciliation tasks: one task per order and state.

Completing a paid checkout fires five hooks for one order in a row (created, paid, fully paid,
updated, confirmed) with the order in the same state. Each used to schedule its own task, and
each task built a plugin manager to read the configuration: 30 statements more on Saleor's
request path for an ordinary order, 147 for a referred one, when tasks run inline (a Saleor
without a broker); now 1 and 28 (tests/saleor/test_checkout_cost_in_saleor.py).

The plugin instance lives as long as Saleor's plugin manager, that is one request or one task, so
it keeps the state of each order it has already handed to a task (`HookBatch`). A hook for the
same order in the same state adds nothing: the task scheduled for that state reads the order when
it runs, after the hook's transaction has committed. A hook for a changed state (a fulfilment, a
refund) schedules again, so nothing a later hook reports is lost. Within a transaction a task is
handed over only at commit; one rolled back never runs, and a later hook schedules again.

The task receives the configuration the hook's plugin instance was built with, so it builds no
plugin manager. Tasks go to the queue named by `WFX_CELERY_QUEUE` (Celery's default without it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction

from ..celery_routing import routing_options

logger = logging.getLogger(__name__)


def order_state(order: Any) -> tuple[Any, ...]:
    """What in a Saleor order can change its commission, read from the object the hook received:
    no query. Saleor saves `updated_at` with every change it makes through the order (payments,
    refunds, status, lines), so two hooks with equal states saw the same order."""
    return (
        order.updated_at,
        order.status,
        order.charge_status,
        order.authorize_status,
        order.total_charged_amount,
        order.total_gross_amount,
        dict(order.metadata or {}),
    )


class _Handover:
    """One task waiting for its transaction to commit (or handed over already)."""

    def __init__(self, order_id: str, event: str, configuration: Mapping[str, Any]) -> None:
        self.order_id = order_id
        self.event = event
        self.configuration = dict(configuration)
        self.done = False

    def __call__(self) -> None:
        # Once, even if commit hooks are run again (Django's test helpers re-run them when
        # their captures nest, as Saleor's test client's does).
        if self.done:
            return
        self.done = True
        enqueue(self.order_id, self.event, self.configuration)

    def lost(self) -> bool:
        """Registered in a transaction that was rolled back (Django drops its commit hooks), so
        it will never run."""
        if self.done:
            return False
        connection = transaction.get_connection(DEFAULT_DB_ALIAS)
        if not connection.in_atomic_block:
            return True
        return not any(entry[1] is self for entry in connection.run_on_commit)


class HookBatch:
    """The orders one plugin instance (one request or task of Saleor) has scheduled."""

    def __init__(self) -> None:
        self._scheduled: dict[str, tuple[tuple[Any, ...], _Handover]] = {}

    def schedule(self, order: Any, event: str, configuration: Mapping[str, Any]) -> None:
        order_id = str(order.pk)
        try:
            state: tuple[Any, ...] | None = order_state(order)
        except Exception:
            # Not the Order Saleor normally passes: schedule without coalescing.
            state = None
        earlier = self._scheduled.get(order_id)
        if state is not None and earlier is not None:
            earlier_state, handover = earlier
            if earlier_state == state and not handover.lost():
                return
        handover = _Handover(order_id, event, configuration)
        if state is not None:
            self._scheduled[order_id] = (state, handover)
        transaction.on_commit(handover)


def enqueue(order_id: str, event: str, configuration: Mapping[str, Any] | None) -> None:
    try:
        from ..tasks import process_order_event

        # retry=False: with the broker down, fail at once (the sweep repairs the order) instead
        # of blocking Saleor's request on kombu's publish retries.
        process_order_event.apply_async(
            (order_id, event, dict(configuration) if configuration is not None else None),
            **routing_options(retry=False),
        )
    except Exception:
        # A broker outage, or the inline task failing for good: the periodic sweep will
        # reconcile this order later; Saleor's request must not fail because of us.
        logger.exception("wfx: %s for order %s failed; the sweep will retry", event, order_id)

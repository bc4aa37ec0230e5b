"""Which Celery queue the programme's tasks go to, so a shop can give them a worker of its own."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def celery_queue() -> str | None:
    """`WFX_CELERY_QUEUE`; None (not set, or empty): Celery's default queue."""
    return getattr(settings, "WFX_CELERY_QUEUE", None) or None


def routing_options(**options: Any) -> dict[str, Any]:
    """Options of `apply_async` or of a beat entry, with the programme's queue when one is set.
    Without one no queue is named, so Celery's own routing (`CELERY_TASK_ROUTES`) still applies."""
    queue = celery_queue()
    return {**options, "queue": queue} if queue else dict(options)

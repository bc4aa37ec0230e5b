from datetime import timedelta
from typing import Any

from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings

from .celery_routing import routing_options
from .saleor_host.version import check_host_saleor

SWEEP_BEAT_ENTRY = "wfx-reconcile-recent-orders"
GRADES_BEAT_ENTRY = "wfx-evaluate-grades"
CLOSE_BEAT_ENTRY = "wfx-close-month"
SETTLE_BEAT_ENTRY = "wfx-settle-matured"
DOCUMENTS_BEAT_ENTRY = "wfx-purge-expired-documents"
SNAPSHOT_BEAT_ENTRY = "wfx-snapshot-ledger"
DEFAULT_SWEEP_INTERVAL_MINUTES = 30
DEFAULT_SETTLE_INTERVAL_MINUTES = 15
SNAPSHOT_MINUTES = 60  # the default of WFX_LEDGER_SNAPSHOT_INTERVAL_MINUTES


class DistributionConfig(AppConfig):
    name = "saleor_wfx_plugin"
    label = "wfx"
    verbose_name = "Social distribution (微分销)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        check_host_saleor()
        register_sweep_schedule()
        register_grades_schedule()
        register_close_schedule()
        register_settle_schedule()
        register_documents_schedule()
        register_snapshot_schedule()
        from . import checks  # noqa: F401  (registers the start-up checks)


def _add_beat_entry(name: str, entry: dict[str, Any]) -> None:
    """Celery reads this same dict object from Django's settings, so adding to it is enough. A
    merchant's own entry of that name wins; without CELERY_BEAT_SCHEDULE there is no beat."""
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
    if isinstance(schedule, dict):
        schedule.setdefault(name, entry)


def register_sweep_schedule() -> None:
    """Add the reconciliation sweep to Celery beat, so shops running beat (Saleor's deployments
    do) repair lost hooks without any set-up. A merchant's own entry of that name wins."""
    minutes = getattr(settings, "WFX_SWEEP_INTERVAL_MINUTES", DEFAULT_SWEEP_INTERVAL_MINUTES)
    _add_beat_entry(
        SWEEP_BEAT_ENTRY,
        {
            "task": "saleor_wfx_plugin.tasks.reconcile_recent_orders_task",
            "schedule": timedelta(minutes=minutes),
            # A sweep that waited longer than its interval is superseded by the next one.
            "options": routing_options(expires=minutes * 60),
        },
    )


def register_grades_schedule() -> None:
    """The monthly grade upgrade on the 1st, judging the previous month. Beat reads the crontab in
    Celery's time zone (UTC in Saleor) while the month judged is the shop's (`WFX_TIME_ZONE`):
    02:30 UTC is 10:30 in Shanghai, after the month has ended there. A shop west of UTC, where the
    old month is still running at 02:30 UTC, should set its own entry of this name for a later
    hour (a merchant's entry wins); otherwise each run judges the month before last."""
    _add_beat_entry(
        GRADES_BEAT_ENTRY,
        {
            "task": "saleor_wfx_plugin.tasks.evaluate_grades_task",
            "schedule": crontab(day_of_month="1", hour="2", minute="30"),
            "options": routing_options(),
        },
    )


def register_close_schedule() -> None:
    """The month-end close on the 1st at 02:00 UTC (10:00 in Shanghai), before the grade
    upgrade: a same-grade bonus is judged on the grades the month was sold under. A merchant's
    own entry of this name wins (a shop west of UTC sets a later hour, as for grades)."""
    _add_beat_entry(
        CLOSE_BEAT_ENTRY,
        {
            "task": "saleor_wfx_plugin.tasks.close_month_task",
            "schedule": crontab(day_of_month="1", hour="2", minute="0"),
            "options": routing_options(),
        },
    )


def register_settle_schedule() -> None:
    """Move matured money (confirmation, then release after the T+N hold) every quarter of an
    hour: the hold ends at midnight in the shop's time zone, so money becomes available within
    minutes of the day it is due. A merchant's own entry of that name wins."""
    minutes = getattr(settings, "WFX_SETTLE_INTERVAL_MINUTES", DEFAULT_SETTLE_INTERVAL_MINUTES)
    _add_beat_entry(
        SETTLE_BEAT_ENTRY,
        {
            "task": "saleor_wfx_plugin.tasks.settle_matured_task",
            "schedule": timedelta(minutes=minutes),
            # A run that waited longer than its interval is superseded by the next one.
            "options": routing_options(expires=minutes * 60),
        },
    )


def register_documents_schedule() -> None:
    """Delete documents past their retention once a day, at a quiet hour (03:40 in Celery's time
    zone). A day's precision is all a retention period in days needs. A merchant's own entry of
    that name wins."""
    _add_beat_entry(
        DOCUMENTS_BEAT_ENTRY,
        {
            "task": "saleor_wfx_plugin.tasks.purge_expired_documents_task",
            "schedule": crontab(hour="3", minute="40"),
            "options": routing_options(),
        },
    )


def register_snapshot_schedule() -> None:
    """Bring the ledger snapshots up to date every hour, so a balance read sums at most about an
    hour of new rows on top of its snapshot. A merchant's own entry of that name wins."""
    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
    if not isinstance(schedule, dict):
        return
    minutes = getattr(settings, "WFX_LEDGER_SNAPSHOT_INTERVAL_MINUTES", SNAPSHOT_MINUTES)
    schedule.setdefault(
        SNAPSHOT_BEAT_ENTRY,
        {
            "task": "saleor_wfx_plugin.tasks.snapshot_ledger_task",
            "schedule": timedelta(minutes=minutes),
            # A run that waited longer than its interval is superseded by the next one.
            "options": routing_options(expires=minutes * 60),
        },
    )

from datetime import timedelta

from django.conf import settings

from saleor_wfx_plugin.apps import SWEEP_BEAT_ENTRY


def test_the_sweep_registers_itself_with_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE[SWEEP_BEAT_ENTRY]
    assert entry["task"] == "saleor_wfx_plugin.tasks.reconcile_recent_orders_task"
    assert entry["schedule"] == timedelta(minutes=30)


def test_the_task_names_celery_sees_match_the_beat_entry():
    from saleor_wfx_plugin.tasks import process_order_event, reconcile_recent_orders_task

    assert (
        reconcile_recent_orders_task.name == settings.CELERY_BEAT_SCHEDULE[SWEEP_BEAT_ENTRY]["task"]
    )
    assert process_order_event.name == "saleor_wfx_plugin.tasks.process_order_event"

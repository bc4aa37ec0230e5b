"""Upgrading an active shop must not make its recent orders `programme_off`: the migration that
adds the history seeds it from the programme's own records."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from saleor_wfx_plugin.models import ProgrammeSwitch
from saleor_wfx_plugin.selectors.programme import programme_active_at

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("wfx", "0006_money_ledger_append_only")


def test_the_upgrade_seeds_the_history_on_since_the_first_attributed_order():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_apps = executor.loader.project_state([BEFORE]).apps
    attributions = old_apps.get_model("wfx", "ReferralAttribution").objects
    first = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    for number, placed_at in enumerate([datetime(2026, 6, 1, tzinfo=UTC), first], start=1):
        attributions.create(
            order_id=uuid4(),
            order_number=str(number),
            channel_slug="default-channel",
            currency="CNY",
            source="code",
            placed_at=placed_at,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    seed = ProgrammeSwitch.objects.get()
    assert (seed.active, seed.at, seed.source) == (True, first, "migration")
    assert programme_active_at(datetime(2026, 6, 1, tzinfo=UTC))
    assert not programme_active_at(datetime(2025, 3, 1, 9, 29, tzinfo=UTC))


def test_the_history_is_append_only(shop):
    switch = ProgrammeSwitch.objects.create(active=False, at=datetime.now(UTC), source="observed")
    with pytest.raises(DatabaseError, match="append-only"):
        switch.delete()

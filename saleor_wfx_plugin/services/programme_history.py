"""Keeping the history of when the merchant had the programme switched on.

Saleor stores only the plugin's current `active` flag. The history is written from two places:
Saleor's `pluginUpdate` (the plugin's `pre_save_plugin_configuration` records the switch with its
exact moment, just before Saleor saves it), and every reading of the programme's settings in the
tasks, the sweep and the API, which records a flag found different from the history (a switch
made in Django's admin or with SQL), at the moment it is noticed.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..lock_objects import lock_programme_history
from ..models import ProgrammeSwitch, ReferralAttribution
from ..selectors.programme import last_switch

logger = logging.getLogger(__name__)

Source = ProgrammeSwitch.Source


def record_switch(
    active: bool, *, source: str, actor: str = "", at: datetime | None = None
) -> ProgrammeSwitch | None:
    """Append a switch, unless the history already ends in that state (a save that changes only
    settings, or a second observer of the same change). Returns the switch recorded, if any."""
    at = at or timezone.now()
    with transaction.atomic():
        lock_programme_history()
        last = last_switch()
        current = last.active if last is not None else False
        if current == active:
            return None
        if last is not None and at < last.at:
            # Never before the switch it follows (two servers' clocks): history stays in order.
            at = last.at
        switch = ProgrammeSwitch.objects.create(active=active, at=at, source=source, actor=actor)
    logger.warning(
        "Distribution programme switched %s at %s (%s%s)",
        "on" if active else "off",
        at.isoformat(),
        source,
        f", by {actor}" if actor else "",
    )
    return switch


def observe_programme_state(active: bool) -> None:
    """The plugin's flag as the programme reads it now. Cheap when nothing changed (one indexed
    read); otherwise the change is recorded, as precisely as this reading: the settle and sweep
    tasks read it from beat every 15 and 30 minutes, whether the programme is on or off."""
    last = last_switch()
    if (last.active if last is not None else False) == active:
        return
    at = timezone.now()
    if not active and last is not None and last.source == Source.MIGRATION:
        # The history is only the upgrade's seed and the plugin was switched off before the
        # upgrade, at a moment nobody recorded. The last order the programme attributed is the
        # last sign it was on: orders after it were never seen while it was on, so they must
        # not count as placed while on.
        last_seen = ReferralAttribution.objects.aggregate(latest=Max("created_at"))["latest"]
        if last_seen is not None:
            at = min(at, max(last_seen, last.at))
    record_switch(active, source=Source.OBSERVED, at=at)

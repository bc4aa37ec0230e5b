"""Start-up checks (Django's system check framework, shown by `manage.py check` and at every
start): a warning, not an error, when personal data cannot be encrypted, because the shop must
keep selling; the programme itself refuses to store an ID number or account without a key."""

from __future__ import annotations

from typing import Any

from django.core import checks

from .encryption import key_problem


@checks.register(checks.Tags.security)
def encryption_keys_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problem = key_problem()
    if problem is None:
        return []
    return [
        checks.Warning(
            problem,
            hint="Until then payout requests, identities and exports answer "
            "ENCRYPTION_NOT_CONFIGURED. See README, Personal data.",
            id="wfx.W001",
        )
    ]


@checks.register(checks.Tags.security)
def dashboard_origins_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.core.exceptions import ImproperlyConfigured

    from .dashboard.headers import dashboard_origins

    try:
        dashboard_origins()
    except ImproperlyConfigured as error:
        return [
            checks.Error(
                str(error),
                hint="Until it is fixed the dashboard pages answer 503. See README, Dashboard.",
                id="wfx.E050",
            )
        ]
    return []

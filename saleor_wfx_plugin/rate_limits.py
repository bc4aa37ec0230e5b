"""How often one person (or one address) may do the things that cost the shop something or
invite abuse: apply, draw posters, request payouts, follow referral links. Counted in Django's
cache (Saleor's, so shared by every worker when it is Redis), in fixed windows.

Limits are `(count, seconds)` per action; `WFX_RATE_LIMITS` overrides any of the defaults, and
`None` for an action switches its limit off."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ProgrammeError

DEFAULT_RATE_LIMITS: dict[str, tuple[int, int] | None] = {
    # A person applies once; a few retries after a typo are plenty.
    "distributor_apply": (5, 3600),
    # Drawing a poster renders an image; sharing a dozen products a minute is a busy seller.
    "poster": (30, 60),
    "payout_request": (10, 3600),
    # Per address: a shared office or a school NAT clicks a lot, a click farm far more.
    "referral_link": (120, 60),
}

# What the refusal calls each action, in the client's language.
_ACTION_NAMES = {
    "distributor_apply": gettext_lazy("distributor apply"),
    "poster": gettext_lazy("poster"),
    "payout_request": gettext_lazy("payout request"),
    "referral_link": gettext_lazy("referral link"),
}


class RateLimited(ProgrammeError):
    def __init__(self, action: str, retry_after: int):
        super().__init__(
            _("Too many requests (%(action)s); try again in %(seconds)s s.")
            % {
                "action": _ACTION_NAMES.get(action, action.replace("_", " ")),
                "seconds": retry_after,
            },
            code="rate_limited",
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def limit_of(action: str) -> Limit | None:
    configured = {**DEFAULT_RATE_LIMITS, **(getattr(settings, "WFX_RATE_LIMITS", None) or {})}
    if action not in DEFAULT_RATE_LIMITS:
        raise KeyError(f"no rate limit is defined for {action!r}")
    value = configured[action]
    if value is None:
        return None
    count, seconds = value
    return Limit(int(count), int(seconds))


def hit(action: str, who: str) -> None:
    """Counts one attempt of `action` by `who`; raises `RateLimited` past the limit."""
    limit = limit_of(action)
    if limit is None:
        return
    now = time.time()
    window = int(now // limit.seconds)
    key = f"wfx:rate:{action}:{window}:{who}"
    # add() then incr(): both atomic in Redis and memcached, so parallel workers never lose a hit.
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between the two calls: this is the window's first attempt
        cache.add(key, 1, timeout=limit.seconds + 1)
        attempts = 1
    if attempts > limit.count:
        retry_after = max(1, int((window + 1) * limit.seconds - now))
        raise RateLimited(action, retry_after)

"""Who may frame the dashboard pages: only the shop's own dashboard.

The pages run with a staff member's token inside Saleor's dashboard iframe; framed by any other
site they could be click-jacked into approving a payout. `WFX_DASHBOARD_ORIGINS` names the
dashboard's origins (a list, or one string separated by commas or spaces); unset, only the API's
own origin may frame them, which suits a dashboard served from the same host.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


def dashboard_origins() -> list[str]:
    configured = getattr(settings, "WFX_DASHBOARD_ORIGINS", None) or []
    if isinstance(configured, str):
        configured = configured.replace(",", " ").split()
    return [_origin(value) for value in configured]


def _origin(value: str) -> str:
    """`scheme://host[:port]` of a configured URL; a path or a typo would silently make the
    header refuse the real dashboard, so it is refused here instead."""
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or "*" in parts.netloc:
        raise ImproperlyConfigured(
            f"WFX_DASHBOARD_ORIGINS: {value!r} is not an origin such as "
            "https://shop.example.com or https://dashboard.example.com:9000"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def frame_ancestors_policy() -> str:
    """The `Content-Security-Policy` value for every dashboard page and asset. A setting that
    cannot be read fails closed (only the API's own origin), never with an error page; the
    start-up check wfx.E001 names the mistake."""
    try:
        origins = dashboard_origins()
    except ImproperlyConfigured:
        logger.exception("wfx.distribution: WFX_DASHBOARD_ORIGINS is not valid")
        origins = []
    return "frame-ancestors " + " ".join(dict.fromkeys(["'self'", *origins]))

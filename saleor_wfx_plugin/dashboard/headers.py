"""Who may frame the dashboard pages.

The pages are meant to be shown only inside the shop's own Saleor dashboard: any other site
framing them could overlay its own buttons on the payout approval screen (clickjacking). The
dashboard's origin is a setting because it is often not the API's (Saleor Cloud, a CDN).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def dashboard_origins() -> list[str]:
    """`WFX_DASHBOARD_ORIGINS`: a list (or a space- or comma-separated text) of origins such as
    `https://dashboard.example.com`. Empty: only the API's own origin may frame the pages."""
    value = getattr(settings, "WFX_DASHBOARD_ORIGINS", None) or []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    origins = []
    for origin in value:
        parts = urlsplit(origin)
        # A path, a query or a wildcard would silently widen or break the policy.
        if parts.scheme not in {"http", "https"} or not parts.netloc or "*" in parts.netloc:
            raise ImproperlyConfigured(
                f"WFX_DASHBOARD_ORIGINS: {origin!r} is not an origin like https://dashboard.example.com"
            )
        if parts.path not in {"", "/"} or parts.query or parts.fragment:
            raise ImproperlyConfigured(
                f"WFX_DASHBOARD_ORIGINS: {origin!r} must be an origin only, without a path"
            )
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def frame_ancestors_policy() -> str:
    """The Content-Security-Policy of every dashboard page."""
    return "frame-ancestors " + " ".join(["'self'", *dashboard_origins()])

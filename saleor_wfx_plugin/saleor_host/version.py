"""Which Saleor the plugin was written for, checked once at start-up.

A leaf module (it imports no other part of the plugin but its version number), so the app
config, the adapter and the plugin class can all read the result without importing each other.
"""

from __future__ import annotations

import logging

from django.conf import settings

from .. import __version__

logger = logging.getLogger(__name__)

SUPPORTED_SALEOR = ((3, 24), (3, 24))  # inclusive range of minor versions tested against

# False when the host Saleor is a version the plugin was not written for: the programme then
# stands still (hooks and sweep do nothing) while the shop itself keeps selling. Read it as
# `version.host_saleor_supported` (a module attribute, so tests can switch it).
host_saleor_supported = True


class UnsupportedSaleorVersion(RuntimeError):
    pass


def check_saleor_version(version: str) -> None:
    """Refuse a Saleor whose models the adapter was not written for, with a message that says
    what to do, instead of failing later inside an order hook."""
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
    except ValueError:
        raise UnsupportedSaleorVersion(f"cannot read Saleor's version {version!r}") from None
    low, high = SUPPORTED_SALEOR
    if not low <= (major, minor) <= high:
        raise UnsupportedSaleorVersion(
            f"saleor-wfx-plugin {__version__} supports Saleor {low[0]}.{low[1]} to "
            f"{high[0]}.{high[1]}; this is Saleor {version}. Install a plugin release made for "
            "it, or set WFX_ALLOW_UNSUPPORTED_SALEOR = True to start anyway at your own risk."
        )


def check_host_saleor() -> None:
    """At start-up, inside Saleor only. An unsupported version pauses the programme with a loud
    error instead of stopping the whole shop, or misreading orders."""
    global host_saleor_supported
    if "saleor.order" not in settings.INSTALLED_APPS:
        return
    if getattr(settings, "WFX_ALLOW_UNSUPPORTED_SALEOR", False):
        return
    import saleor

    try:
        check_saleor_version(getattr(saleor, "__version__", "unknown"))
    except UnsupportedSaleorVersion as error:
        host_saleor_supported = False
        logger.error("Distribution programme paused: %s", error)

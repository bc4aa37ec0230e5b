"""Where Saleor serves the plugin's HTTP routes. Plain constants, no Saleor import: the links
the plugin makes, the sandbox's URL configuration and the tests use them too.

Saleor routes `/plugins/global/<plugin id>/<path>` to an active plugin's `webhook`, and still
routes the older `/plugins/<plugin id>/<path>`, which it marks for removal
(`PluginsManager.webhook_endpoint_without_channel`). Every link made is on the kept prefix;
the old one stays an alias because QR codes printed with it cannot be reprinted.
"""

PLUGIN_ID = "wfx.distribution"

# The prefix every link uses (no trailing slash; paths below it start with one).
ROUTE_PREFIX = f"/plugins/global/{PLUGIN_ID}"
# Still answered, never linked to: the prefix of the links made before the move.
LEGACY_ROUTE_PREFIX = f"/plugins/{PLUGIN_ID}"

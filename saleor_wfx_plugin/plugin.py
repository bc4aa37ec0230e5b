"""The plugin's old import path, kept for shops whose Saleor settings name it by hand
(`PLUGINS = [..., "saleor_wfx_plugin.plugin.DistributionPlugin"]`). The class lives in
`saleor_host.plugin`; the package's entry point names it there."""

from .saleor_host.plugin import PLUGIN_ID, DistributionPlugin

__all__ = ["PLUGIN_ID", "DistributionPlugin"]

"""The adapter's old import path, kept because a shop's `WFX_SHOP_BACKEND` may name
`saleor_wfx_plugin.saleor_adapter.SaleorShop`. The code lives in `saleor_host.adapter`."""

from .saleor_host.adapter import SaleorShop
from .saleor_host.version import UnsupportedSaleorVersion, check_saleor_version

__all__ = ["SaleorShop", "UnsupportedSaleorVersion", "check_saleor_version"]

"""The authenticator's old import path, kept because a shop's `WFX_AUTH_BACKEND` may name
`saleor_wfx_plugin.saleor_auth.SaleorAuthenticator`. The code lives in `saleor_host.auth`."""

from .saleor_host.auth import SaleorAuthenticator

__all__ = ["SaleorAuthenticator"]

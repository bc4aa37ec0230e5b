"""The plugin inside a real Saleor 3.24, with Saleor's own fixtures.

Saleor is not on PyPI, so this tier runs only where a developer has Saleor installed:

    pytest tests/saleor --ds=saleor.tests.settings --reuse-db

Anywhere else every module here is skipped with the reason.
"""

import importlib.util

import pytest


def require_saleor() -> None:
    """Skip the calling test module, saying why, unless this run is inside Saleor."""
    if importlib.util.find_spec("saleor") is None:
        pytest.skip(
            "Saleor tier skipped: `saleor` is not importable (Saleor 3.x is not on PyPI). Run "
            "`pytest tests/saleor --ds=saleor.tests.settings` in a Saleor 3.24 environment.",
            allow_module_level=True,
        )
    from django.conf import settings

    if "saleor.order" not in settings.INSTALLED_APPS:
        pytest.skip(
            "Saleor tier skipped: Saleor is importable but this run uses the sandbox settings; "
            "run `pytest tests/saleor --ds=saleor.tests.settings`.",
            allow_module_level=True,
        )

import pytest


def pytest_configure(config):
    # The standalone tiers need the throwaway PostgreSQL that scripts/test.sh starts; SQLite
    # would hide locking and constraint behaviour that merchants rely on.
    import os

    settings_module = (
        config.getoption("ds", None)
        or os.environ.get("DJANGO_SETTINGS_MODULE")
        or config.getini("DJANGO_SETTINGS_MODULE")
    )
    if settings_module.startswith("saleor_wfx_plugin.sandbox") and not os.environ.get(
        "DATABASE_URL"
    ):
        raise pytest.UsageError(
            "DATABASE_URL is not set: run the tests with scripts/test.sh, which starts a "
            "throwaway PostgreSQL cluster."
        )


@pytest.fixture(autouse=True)
def _rate_limits_count_from_zero():
    """Rate limits count in Django's cache, which outlives a test: each test starts at zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

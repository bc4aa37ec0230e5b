"""Settings for running the plugin's models and services without Saleor.

SQLite by default, so the demo needs nothing installed; `DATABASE_URL=postgres://…` switches to
PostgreSQL, which the test command always does.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

SECRET_KEY = os.environ.get("SECRET_KEY", "wfx-sandbox-not-secret")
# The demo's and the tests' key for ID numbers and payee accounts: public, so never a shop's.
# A shop generates its own (README, "Personal data").
WFX_ENCRYPTION_KEYS = [
    os.environ.get("WFX_SANDBOX_ENCRYPTION_KEY", "d2Z4LXNhbmRib3gta2V5LW5vdC1mb3ItcHJvZHVjdGk=")
]
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = ["saleor_wfx_plugin"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, got {parsed.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
    }


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": _database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("WFX_SQLITE_PATH", str(Path.cwd() / "wfx-sandbox.sqlite3")),
        }
    }

# Where orders and the programme's settings come from. Inside Saleor it is Saleor itself; here a
# simulator that keeps orders in memory.
WFX_SHOP_BACKEND = "saleor_wfx_plugin.sandbox.simulator.SimulatedShop"

ROOT_URLCONF = "saleor_wfx_plugin.sandbox.urls"
# Unused (the plugin serves its own files), but Django's live test server needs one.
STATIC_URL = "/static/"
# Who may frame the dashboard pages: `scripts/demo.sh --serve` and the browser tests set theirs.
WFX_DASHBOARD_ORIGINS = os.environ.get("WFX_DASHBOARD_ORIGINS", "")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
# Inside Saleor the API verifies Saleor's own JWTs; the sandbox signs its own tokens.
WFX_AUTH_BACKEND = "saleor_wfx_plugin.sandbox.auth.SandboxAuthenticator"
WFX_PRIVATE_MEDIA_ROOT = os.environ.get("WFX_PRIVATE_MEDIA_ROOT", str(Path.cwd() / "wfx-private"))

CELERY_TASK_ALWAYS_EAGER = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "[%(levelname)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"saleor_wfx_plugin": {"handlers": ["console"], "level": "WARNING"}},
}

from .celery_app import app as celery_app  # noqa: E402,F401  (makes the eager app the default)

# Shaped like Saleor's, so the plugin's beat entry can be seen registering itself.
CELERY_BEAT_SCHEDULE: dict = {}

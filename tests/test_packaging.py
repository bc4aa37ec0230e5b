"""What `pip install` gives a merchant: the entry point Saleor discovers, and the migrations."""

import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import entry_points
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


def test_saleor_discovers_the_plugin_through_its_entry_point():
    (entry,) = [ep for ep in entry_points(group="saleor.plugins") if ep.name == "saleor_wfx_plugin"]
    # Saleor appends the name to INSTALLED_APPS and module.attr to PLUGINS. The path may move
    # (Saleor stores a plugin's configuration under its PLUGIN_ID, never its path); the name,
    # which is the Django app, may not.
    assert entry.value == "saleor_wfx_plugin.saleor_host.plugin:DistributionPlugin"
    assert entry.name == "saleor_wfx_plugin"


def test_the_old_backend_paths_a_shops_settings_may_name_still_work():
    from django.utils.module_loading import import_string

    from saleor_wfx_plugin.auth import DEFAULT_AUTH_BACKEND
    from saleor_wfx_plugin.shop import DEFAULT_SHOP_BACKEND

    assert import_string("saleor_wfx_plugin.saleor_adapter.SaleorShop") is import_string(
        DEFAULT_SHOP_BACKEND
    )
    assert import_string("saleor_wfx_plugin.saleor_auth.SaleorAuthenticator") is import_string(
        DEFAULT_AUTH_BACKEND
    )
    assert DEFAULT_SHOP_BACKEND == "saleor_wfx_plugin.saleor_host.adapter.SaleorShop"
    assert DEFAULT_AUTH_BACKEND == "saleor_wfx_plugin.saleor_host.auth.SaleorAuthenticator"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "wfx", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_wheel_ships_migrations_as_the_apps_migrations_package(tmp_path):
    # Built from a copy of the tracked sources: building in the work tree would leave build/ and
    # egg-info behind, and a stale build/ could ship modules that no longer exist.
    source = tmp_path / "src"
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("saleor_wfx_plugin-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    migrations = sorted(path.name for path in (ROOT / "migrations").glob("0*.py"))
    for migration in [*migrations, "__init__.py"]:
        assert f"saleor_wfx_plugin/migrations/{migration}" in names
    entry_points_txt = next(name for name in names if name.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points_txt).decode()
    assert "[saleor.plugins]" in text
    assert "saleor_wfx_plugin/locale/zh_Hans/LC_MESSAGES/django.mo" in names
    # The dashboard pages come built: a merchant's `pip install` needs no Node.
    bundle = ROOT / "saleor_wfx_plugin" / "dashboard" / "static"
    for built in [bundle / "index.html", *sorted((bundle / "assets").iterdir())]:
        assert f"saleor_wfx_plugin/dashboard/{built.relative_to(bundle.parent)}" in names
    # No test code or sandbox database leaks into what merchants install.
    assert not any(name.startswith("tests/") for name in names)

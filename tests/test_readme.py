"""README's settings tables are what a merchant configures from: they must name exactly the
settings the code reads, with the code's defaults."""

import dataclasses
import re
from pathlib import Path

from saleor_wfx_plugin.domain.settings import ProgramSettings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _table_after(heading: str) -> dict[str, str]:
    section = re.split(r"\n#{2,3} ", README.split(heading, 1)[1], maxsplit=1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `([A-Za-z0-9_]+)` \| ([^|]+) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    assert rows, f"no table under {heading!r}"
    return rows


def _readme_default(value: object) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    # An empty value in Saleor's form: an empty text, list or set, or a threshold left unset.
    if value is None or value in ("", ()) or value == frozenset():
        return "*(empty)*"
    return f"`{value}`"


def test_plugin_settings_table_matches_the_programme_settings():
    table = _table_after("### Settings (plugin configuration)")
    defaults = {
        field.name: field.default
        for field in dataclasses.fields(ProgramSettings)
        if field.name != "warnings"
    }
    assert set(table) == set(defaults)
    for name, default in defaults.items():
        assert table[name] == _readme_default(default), name


def test_django_settings_table_names_every_setting_the_code_reads():
    read = set()
    for source in (ROOT / "saleor_wfx_plugin").rglob("*.py"):
        if "sandbox" in source.parts:
            continue
        read |= set(re.findall(r'getattr\(settings, "(WFX_[A-Z_]+)"', source.read_text("utf-8")))
    # The simulator's switches exist only in the sandbox settings.
    read -= {"WFX_PROGRAM_ACTIVE", "WFX_PROGRAM_SETTINGS"}
    assert read, "the scan found nothing: it is broken"
    assert set(_table_after("### Django settings (optional, in Saleor's settings)")) == read

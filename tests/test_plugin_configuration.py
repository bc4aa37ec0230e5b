"""Saleor shows a new shop `DistributionPlugin.DEFAULT_CONFIGURATION`; the programme reads
`ProgramSettings`' defaults when a value is missing. Both must say the same thing, and every
setting must have a form field (Saleor silently drops a default without one). Read from the
source of saleor_host/plugin_configuration.py (where the plugin class takes both from), because
importing it needs Saleor, which the default test run does not have.
"""

import ast
import dataclasses
from pathlib import Path

from saleor_wfx_plugin.domain.settings import ProgramSettings

HOST = Path(__file__).resolve().parents[1] / "saleor_wfx_plugin" / "saleor_host"
CONFIGURATION = HOST / "plugin_configuration.py"
PLUGIN = HOST / "plugin.py"


def _assigned(body: list[ast.stmt], name: str) -> ast.expr:
    return next(
        statement.value
        for statement in body
        if isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
    )


def _plugin_class_attribute(name: str) -> ast.expr:
    """The value the plugin class shows Saleor: `plugin_configuration`'s, which it names."""
    tree = ast.parse(PLUGIN.read_text(encoding="utf-8"))
    plugin = next(
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name == "DistributionPlugin"
    )
    named = _assigned(plugin.body, name)
    assert ast.unparse(named) == f"plugin_configuration.{name}"
    return _assigned(ast.parse(CONFIGURATION.read_text(encoding="utf-8")).body, name)


def _default_configuration() -> dict[str, object]:
    items = ast.literal_eval(_plugin_class_attribute("DEFAULT_CONFIGURATION"))
    return {item["name"]: item["value"] for item in items}


def test_default_configuration_is_the_programme_settings_defaults():
    defaults = _default_configuration()
    names = {field.name for field in dataclasses.fields(ProgramSettings)} - {"warnings"}
    assert set(defaults) == names
    assert ProgramSettings.from_mapping(defaults) == ProgramSettings()


def test_every_default_has_a_form_field():
    structure = _plugin_class_attribute("CONFIG_STRUCTURE")
    assert isinstance(structure, ast.Dict)
    fields = {ast.literal_eval(key) for key in structure.keys if key is not None}
    assert fields == set(_default_configuration())

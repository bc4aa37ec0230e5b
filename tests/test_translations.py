"""The API's messages in Simplified Chinese: every message the code passes through gettext has
a translation in the shipped catalogue, and the compiled catalogue (what Django reads) says what
the .po says. Refresh both with scripts/messages.sh."""

import ast
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "saleor_wfx_plugin"
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy"}
# Not the API's: the domain layer has no Django, the sandbox is a developer's tool.
UNTRANSLATED_PARTS = {"domain", "sandbox", "migrations"}
# Except the domain's table of refusals, marked N_ and translated by code (domain_messages.py).
DOMAIN_MESSAGES = PACKAGE / "domain" / "messages.py"


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (no plurals or contexts: the catalogue has none)."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    field = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            field, _, rest = line.partition(" ")
            current[field] = ast.literal_eval(rest)
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
        elif not line.strip() and current:
            entries[current["msgid"]] = current.get("msgstr", "")
            current, field = {}, None
    entries.pop("", None)  # the header
    return entries


def messages_in_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        names = GETTEXT_NAMES
        if path == DOMAIN_MESSAGES:
            names = {"N_"}
        elif UNTRANSLATED_PARTS & set(path.relative_to(PACKAGE).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
            ):
                continue
            [argument] = node.args
            # An f-string (or any computed text) would be looked up as itself and never found.
            assert isinstance(argument, ast.Constant), f"{path}:{node.lineno}: not a literal"
            found[argument.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_message_of_the_code_has_a_chinese_translation():
    code = messages_in_code()
    assert len(code) > 100, "the scan found almost nothing: it is broken"
    catalogue = read_po(CATALOGUE / "django.po")
    missing = {message: where for message, where in code.items() if not catalogue.get(message)}
    assert not missing, f"untranslated (run scripts/messages.sh, then translate): {missing}"
    # Placeholders survive translation, or the message fails to format in Chinese only.
    placeholder = re.compile(r"%\(\w+\)[sr]")
    for message in code:
        assert sorted(placeholder.findall(message)) == sorted(
            placeholder.findall(catalogue[message])
        ), message


def test_the_compiled_catalogue_is_the_po_file():
    with open(CATALOGUE / "django.mo", "rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    catalogue = read_po(CATALOGUE / "django.po")
    compiled_entries = {key: value for key, value in translations._catalog.items() if key}
    assert compiled_entries == catalogue

#!/usr/bin/env bash
# Refresh the API's translations after changing a message: extracts every gettext call of the
# package into the catalogue (new messages come in untranslated, gone ones are dropped), then
# compiles it. Needs GNU gettext (Debian: apt-get install gettext). Translate the new entries
# (msgstr "") in saleor_wfx_plugin/locale/zh_Hans/LC_MESSAGES/django.po and run it again;
# tests/test_translations.py fails while one is missing or the .mo is stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
catalogue=saleor_wfx_plugin/locale/zh_Hans/LC_MESSAGES/django.po
template=$(mktemp --suffix=.pot)
trap 'rm -f "$template"' EXIT
# The domain layer has no Django: its messages are the table of domain/messages.py, marked N_
# and translated by code (domain_messages.py). The sandbox is a dev tool.
{
    find saleor_wfx_plugin -name '*.py' -not -path '*/sandbox/*' -not -path '*/domain/*' \
        -not -path '*/migrations/*'
    echo saleor_wfx_plugin/domain/messages.py
} | sort |
    xgettext --language=Python --keyword=_ --keyword=gettext --keyword=gettext_lazy --keyword=N_ \
        --from-code=UTF-8 --no-location --no-wrap --sort-output -o "$template" -f -
msgmerge --quiet --update --no-fuzzy-matching --no-wrap --sort-output --backup=off "$catalogue" "$template"
msgattrib --no-obsolete --no-wrap --sort-output -o "$catalogue" "$catalogue"
# The template's date would change the catalogue on every run.
sed -i '/^"POT-Creation-Date:/d; /^"Report-Msgid-Bugs-To:/d' "$catalogue"
msgfmt --check -o "${catalogue%.po}.mo" "$catalogue"

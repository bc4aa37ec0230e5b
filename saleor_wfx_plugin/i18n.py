"""The language of the API's messages: English, or Simplified Chinese for a client that prefers
any Chinese (`Accept-Language: zh-CN`, `zh-Hans`, `zh-TW`, `zh`): the plugin ships one Chinese
catalogue (`locale/zh_Hans`), and a Traditional-Chinese reader is better served by it than by
English. The dashboard pages send `zh-Hans` or `en`, following the dashboard's locale."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation.trans_real import parse_accept_lang_header

ENGLISH = "en"
SIMPLIFIED_CHINESE = "zh-hans"


def request_language(request: HttpRequest) -> str:
    for language, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        language = language.lower()
        if language == "zh" or language.startswith("zh-"):
            return SIMPLIFIED_CHINESE
        if language == "en" or language.startswith("en-"):
            return ENGLISH
    return ENGLISH

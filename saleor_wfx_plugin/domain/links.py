"""Referral links: where a link may send a visitor, which visits count, and who the visitor is.

A referral link is posted in public, so its `?next=` is attacker-controlled: anyone can craft a
link on the shop's domain that bounces to a phishing page unless the target is checked here. The
rule is an allow-list: the storefront and the hosts the merchant named, nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import unicodedata
from datetime import date
from urllib.parse import SplitResult, quote, unquote, unquote_plus, urlsplit, urlunsplit

from .messages import DomainError
from .setting_parsers import HOST_PATTERN

_WEB_SCHEMES = frozenset({"http", "https"})
# Characters that may stay as they are in each part; everything else is percent-encoded, and
# existing escapes ("%") are kept so an already-encoded slug is not encoded twice.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/?%:@!$&'()*+,;=-._~"
# Enough rounds to undo any layered encoding a browser, proxy or storefront router would undo.
_UNQUOTE_ROUNDS = 4


def safe_redirect_target(
    storefront_url: str,
    allowed_hosts: tuple[str, ...],
    next_value: str | None,
    code: str | None,
    param: str,
) -> str:
    """The URL a referral link redirects to.

    `next_value` is either a path on the storefront ("/products/serum?size=2#reviews"), appended
    to `storefront_url` (which may itself carry a path prefix such as "/cn"), or an absolute
    http(s) URL on the storefront's host or on one of `allowed_hosts` (exact host names: the
    settings accept no wildcards). Anything else falls back to the storefront's root.

    The `param` query parameter is set to `code`, replacing any value the link carried; with
    `code` None it is removed, so a redirect never passes on a code that was not checked.
    """
    storefront = urlsplit(storefront_url)
    storefront_host = (storefront.hostname or "").lower()
    if storefront.scheme.lower() not in _WEB_SCHEMES or not storefront_host:
        raise DomainError("link_storefront_url_invalid", url=storefront_url)
    base_path = storefront.path.rstrip("/")

    storefront_origin = (storefront.scheme.lower(), storefront.netloc.lower())
    target = _resolve_next(next_value, storefront, storefront_host, allowed_hosts)
    if target is None:
        (scheme, netloc), path, query, fragment = storefront_origin, base_path or "/", "", ""
    else:
        origin, path, query, fragment = target
        if origin is None:
            (scheme, netloc), path = storefront_origin, base_path + path
        else:
            scheme, netloc = origin
    return urlunsplit(
        (
            scheme,
            netloc,
            quote(path, safe=_PATH_SAFE),
            _with_param(query, param, code),
            quote(fragment, safe=_QUERY_SAFE),
        )
    )


# ((scheme, netloc) or None for the storefront itself, path, query, fragment)
_Target = tuple[tuple[str, str] | None, str, str, str]


def _resolve_next(
    next_value: str | None,
    storefront: SplitResult,
    storefront_host: str,
    allowed_hosts: tuple[str, ...],
) -> _Target | None:
    """Where an acceptable `next` points; None when it is missing or not acceptable."""
    if not next_value or not _is_plain_text(next_value):
        return None
    decoded = _fully_unquoted(next_value)
    # Browsers treat "\" as "/" and drop tabs and newlines, so "/\evil.com" and "/\t/evil.com"
    # both mean "//evil.com"; layered percent-encoding hides the same tricks one level down.
    if decoded is None or "\\" in decoded or not _is_plain_text(decoded):
        return None
    try:
        parts = urlsplit(next_value)
    except ValueError:  # e.g. a netloc that NFKC-normalises into other characters
        return None

    if next_value.startswith("/"):
        if next_value.startswith("//") or decoded.startswith("//"):
            return None  # scheme-relative: another host
        return (None, parts.path, parts.query, parts.fragment)

    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.netloc:
        return None  # javascript:, data:, "http:evil.com", bare "evil.com", "products/x"
    if "@" in parts.netloc or "%" in parts.netloc:
        return None  # userinfo ("https://shop.com@evil.com") or an encoded host
    try:
        host, port = (parts.hostname or ""), parts.port
    except ValueError:  # a port that is not a number
        return None
    if not HOST_PATTERN.match(host):
        return None  # IP literals, non-ASCII look-alikes, trailing dots
    if host == storefront_host:
        if port is not None and port != storefront.port:
            return None
    elif port is not None or host not in {allowed.lower() for allowed in allowed_hosts}:
        return None
    netloc = host if port is None else f"{host}:{port}"
    return ((parts.scheme.lower(), netloc), parts.path or "/", parts.query, parts.fragment)


def _fully_unquoted(value: str) -> str | None:
    for _ in range(_UNQUOTE_ROUNDS):
        decoded = unquote(value)
        if decoded == value:
            return value
        value = decoded
    return None  # still changing: deliberately nested encoding, not a link anyone shares


def _is_plain_text(value: str) -> bool:
    # Control (Cc) and format (Cf) characters: CR/LF for header injection, tabs and zero-width or
    # bidi characters that browsers drop or that hide the real target from the person clicking.
    return not any(unicodedata.category(char) in {"Cc", "Cf"} for char in value)


def _with_param(query: str, param: str, code: str | None) -> str:
    """`query` with every `param` removed and, when `code` is given, one `param=code` appended.
    The other parameters keep their order and their exact encoding."""
    kept = [
        quote(piece, safe=_QUERY_SAFE)
        for piece in query.split("&")
        if piece and unquote_plus(piece.split("=", 1)[0]) != param
    ]
    if code is not None:
        kept.append(f"{quote(param, safe='')}={quote(code, safe='')}")
    return "&".join(kept)


# Link previewers (they fetch every shared link as it is pasted), crawlers, monitoring and
# scripts. Deliberately absent: in-app browsers of chat apps ("MicroMessenger" is WeChat's, used
# by the shoppers this programme exists for; "FBAN"/"FBAV" is Facebook's, "Line/" is LINE's).
_BOT_USER_AGENT = re.compile(
    r"""
    (?<!cu)bots?(?:\b|_)      # Googlebot, bingbot, Twitterbot, TelegramBot, Slackbot, WeChat-Bot;
                              # not the CUBOT phone brand
    | crawl | spider | slurp | scrapy | archiver
    | facebookexternalhit | facebookcatalog | meta-externalagent
    | whatsapp/               # WhatsApp's preview fetcher; the app has no in-app browser
    | slack-imgproxy | skypeuripreview | embedly | vkshare | redditbot
    | preview                 # BingPreview, Google Web Preview, Snap URL Preview
    | mediapartners-google | adsbot-google | google-inspectiontool | feedfetcher
    | headlesschrome | phantomjs | puppeteer | playwright | selenium | webdriver | lighthouse
    | ^curl/ | ^wget/ | ^python- | aiohttp | httpx | ^go-http-client
    | ^java/ | okhttp | ^axios/ | ^node-fetch | libwww-perl | ^php/ | ^ruby
    | pingdom | uptimerobot | statuscake | site24x7
    """,
    re.IGNORECASE | re.VERBOSE,
)


def is_known_bot(user_agent: str) -> bool:
    """Whether a visit is a machine's rather than a person's. An empty user agent counts as a
    machine: every browser sends one."""
    user_agent = user_agent.strip()
    return not user_agent or bool(_BOT_USER_AGENT.search(user_agent))


# Derives the fingerprint key from the site secret, so the secret's other uses (sessions, tokens)
# and this one can never produce each other's values.
_FINGERPRINT_PURPOSE = b"saleor_wfx_plugin.referral-click-visitor"


def visitor_network(ip: str) -> str:
    """Who a visitor is, as far as the address tells: an IPv4 address, or the /64 network of an
    IPv6 one (a single household or phone is given a whole /64 and picks addresses in it at will,
    so counting addresses there would count anyone as many visitors as they like)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def visitor_fingerprint(secret: str, ip: str, day: date) -> str:
    """64 hex characters naming one visitor (one address, see `visitor_network`) on one day.

    The user agent is deliberately not part of it: a browser tells what it likes, so a script
    sending 30 user agents from one address would otherwise count as 30 visitors. The price is
    that people behind one address (an office, a carrier's NAT) count as one visitor a day.

    Keyed, so it cannot be reversed by hashing every IPv4 address; and the day is part of it, so
    the same person on two days gets two unrelated values: clicks can be counted per day but a
    visitor cannot be followed across days. The address itself is never stored."""
    key = hmac.new(secret.encode(), _FINGERPRINT_PURPOSE, hashlib.sha256).digest()
    message = f"{day.isoformat()}|{visitor_network(ip)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()

"""Share posters: a PNG a distributor posts in a chat or a Moments feed, with the product's image,
name and price, the distributor's code and a QR code of their referral link for that product.

A poster is drawn once and kept in the private storage under a key made of everything it shows,
so it is served from storage until the product (name, price, image), the link or the drawing
changes, and then drawn anew under a new key.

This module keeps and serves posters; poster_drawing draws one, poster_fonts picks its font.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .models import Distributor
from .poster_drawing import render_poster
from .poster_fonts import poster_font
from .services.distributors import DistributorError
from .shop import ProductCard, get_shop
from .storage import private_storage

# Bump when the drawing changes, so posters already stored are drawn again in the new layout.
RENDERER_VERSION = "1"

POSTERS_DIR = "wfx/posters"
KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
# Past this length the QR code gets too dense for a phone to read off a screen; such a link
# (a product slug of many Chinese characters, percent-encoded) drops ?next= and leads to the
# storefront's home page, still with the code.
MAX_QR_LINK_LENGTH = 300


@dataclass(frozen=True)
class PosterResult:
    key: str  # 32 lowercase hex digits
    path: str  # "/posters/<key>.png", below the plugin's public base URL
    created: bool  # False when the stored poster was reused
    link: str  # the referral link the QR code carries


def referral_link(base_url: str, code: str, next_path: str | None = None) -> str:
    """The link a poster's QR code carries: the plugin's redirect, which records the visit and
    sends the visitor to `next_path` on the storefront with the code."""
    link = f"{base_url.rstrip('/')}/r/{quote(code, safe='')}"
    if next_path:
        link += f"?next={quote(next_path, safe='/')}"
    return link


def get_or_create_poster(
    distributor: Distributor, product_id: str, channel_slug: str | None, base_url: str
) -> PosterResult:
    if not distributor.is_active:
        raise DistributorError(
            _("Only an active distributor can share posters."), code="inactive_distributor"
        )
    card = get_shop().product_card(product_id, channel_slug)
    if card is None:
        raise DistributorError(
            _("This product does not exist or is not published in this channel."),
            code="product_not_found",
            field="productId",
        )
    link = referral_link(base_url, distributor.code, card.path or None)
    if len(link) > MAX_QR_LINK_LENGTH:
        link = referral_link(base_url, distributor.code)
    key = poster_key(distributor.code, product_id, channel_slug, card, link)
    name = _storage_name(key)
    storage = private_storage()
    if storage.exists(name):
        return PosterResult(key=key, path=_public_path(key), created=False, link=link)
    png = render_poster(card, distributor.code, link)
    saved_as = storage.save(name, ContentFile(png))
    if saved_as != name:
        # A concurrent request stored the same poster first (the content is deterministic) and
        # the storage chose another name for this copy: keep one file.
        storage.delete(saved_as)
    return PosterResult(key=key, path=_public_path(key), created=True, link=link)


def open_poster(key: str) -> bytes | None:
    """The stored poster's PNG, or None. The key comes from a URL: anything but 32 lowercase hex
    digits is refused before the storage is touched, so no path can be smuggled in."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        return None
    storage = private_storage()
    name = _storage_name(key)
    if not storage.exists(name):
        return None
    try:
        with storage.open(name, "rb") as poster:
            return poster.read()
    except FileNotFoundError:
        return None


def poster_key(
    code: str, product_id: str, channel_slug: str | None, card: ProductCard, link: str
) -> str:
    """Everything the poster shows, hashed: a change to any of it is a different poster."""
    parts = (
        code,
        product_id,
        channel_slug or "",
        card.version,
        # Name and price are cheap to add and keep a backend that forgets to change `version`
        # from serving a stale price; the image is left to `version`, to avoid hashing it.
        card.name,
        str(card.price or ""),
        link,
        # The font is part of the drawing: installing a Chinese font later must redraw the
        # posters that were drawn without one.
        renderer_fingerprint(),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def renderer_fingerprint() -> str:
    return f"{RENDERER_VERSION}:{poster_font().path or 'pillow-default'}"


def _storage_name(key: str) -> str:
    return f"{POSTERS_DIR}/{key}.png"


def _public_path(key: str) -> str:
    return f"/posters/{key}.png"

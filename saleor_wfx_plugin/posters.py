"""Share posters: a PNG a distributor posts in a chat or a Moments feed, with the product's image,
name and price, the distributor's code and a QR code of their referral link for that product.

A poster is drawn once and kept in the private storage under a key made of everything it shows,
so it is served from storage until the product (name, price, image), the link or the drawing
changes, and then drawn anew under a new key.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps

from .domain.money import Money, quantize
from .models import Distributor
from .services.distributors import DistributorError
from .shop import ProductCard, get_shop
from .storage import private_storage

logger = logging.getLogger(__name__)

# Bump when the drawing changes, so posters already stored are drawn again in the new layout.
RENDERER_VERSION = "1"

POSTER_SIZE = (750, 1334)  # a phone screen (iPhone 8 points x2): shows whole in a chat preview
POSTERS_DIR = "wfx/posters"
KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
# Past this length the QR code gets too dense for a phone to read off a screen; such a link
# (a product slug of many Chinese characters, percent-encoded) drops ?next= and leads to the
# storefront's home page, still with the code.
MAX_QR_LINK_LENGTH = 300

MARGIN = 40
IMAGE_BOX = (0, 0, 750, 700)
NAME_TOP = 730
NAME_FONT_SIZE = 40
NAME_MAX_LINES = 3
PRICE_FONT_SIZE = 52
CODE_FONT_SIZE = 34
SMALLEST_CODE_FONT_SIZE = 18
HINT_FONT_SIZE = 26
# The QR code's square, quiet zone included; the code is drawn at the largest whole number of
# pixels per module that fits, centred, because blurred module edges make phones misread it.
QR_BOX_SIZE = 290
QR_BOX_ORIGIN = (POSTER_SIZE[0] - MARGIN - QR_BOX_SIZE, POSTER_SIZE[1] - 24 - QR_BOX_SIZE)
QR_QUIET_ZONE = 4  # modules; ISO/IEC 18004 asks for four
DIVIDER_Y = QR_BOX_ORIGIN[1] - 16

BACKGROUND = (255, 255, 255)
NO_IMAGE_FILL = (238, 238, 238)
TEXT_COLOUR = (34, 34, 34)
PRICE_COLOUR = (228, 57, 60)
HINT_COLOUR = (120, 120, 120)
DIVIDER_COLOUR = (230, 230, 230)
QR_DARK = (0, 0, 0)

CURRENCY_SYMBOLS = {"CNY": "¥"}

# Fonts that cover Chinese, where distributions and macOS put them; fc-list is asked after.
COMMON_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
# Without a Chinese font, a Latin font with the yuan sign still beats Pillow's own font.
COMMON_LATIN_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/System/Library/Fonts/Helvetica.ttc",
)

# A CJK ideograph, kana, hangul or full-width form: a line may break before or after any of them.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_WRAP_TOKENS = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|\s+")

FontT = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class PosterFont:
    path: str | None  # None: Pillow's built-in font
    draws_chinese: bool


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


# --- Drawing --------------------------------------------------------------------------------


def render_poster(card: ProductCard, code: str, link: str) -> bytes:
    """The poster as PNG bytes; the same input gives the same bytes."""
    font = poster_font()
    poster = Image.new("RGB", POSTER_SIZE, BACKGROUND)
    _draw_product_image(poster, card.image)
    draw = ImageDraw.Draw(poster)
    text_width = POSTER_SIZE[0] - 2 * MARGIN

    name_font = _font(NAME_FONT_SIZE)
    y = NAME_TOP
    line_height = _line_height(draw, name_font)
    for line in wrap_text(draw, card.name, name_font, text_width):
        draw.text((MARGIN, y), line, font=name_font, fill=TEXT_COLOUR)
        y += line_height
    if card.price is not None:
        price = format_price(card.price, symbol=font.path is not None)
        price_font = _fitting_font(draw, price, text_width, PRICE_FONT_SIZE)
        draw.text((MARGIN, y + 12), price, font=price_font, fill=PRICE_COLOUR)

    draw.line((MARGIN, DIVIDER_Y, POSTER_SIZE[0] - MARGIN, DIVIDER_Y), fill=DIVIDER_COLOUR, width=2)
    qr_left, qr_top = QR_BOX_ORIGIN
    beside_qr = qr_left - 2 * MARGIN
    # The code is typed in by hand when the QR code is not scanned: shrink it, never cut it.
    code_line = f"Code: {code}"
    draw.text(
        (MARGIN, qr_top + 70),
        code_line,
        font=_fitting_font(draw, code_line, beside_qr, CODE_FONT_SIZE),
        fill=TEXT_COLOUR,
    )
    hints = (
        ("长按识别二维码", "Scan to see the product")
        if font.draws_chinese
        else ("Scan the QR code", "to see the product")
    )
    hint_font = _font(HINT_FONT_SIZE)
    for index, hint in enumerate(hints):
        draw.text(
            (MARGIN, qr_top + 140 + index * 38),
            _truncate(draw, hint, hint_font, beside_qr),
            font=hint_font,
            fill=HINT_COLOUR,
        )
    poster.paste(qr_image(link), QR_BOX_ORIGIN)

    output = io.BytesIO()
    poster.save(output, format="PNG", optimize=True)
    return output.getvalue()


def qr_image(link: str) -> Image.Image:
    """The QR code of `link` on a white QR_BOX_SIZE square: error correction M (readable with
    15 % of it smudged or covered), four modules of quiet zone, whole pixels per module."""
    qr = segno.make(link, error="m", boost_error=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=QR_QUIET_ZONE)]
    modules = len(rows)
    scale = max(QR_BOX_SIZE // modules, 1)
    symbol = Image.new("RGB", (modules, modules), BACKGROUND)
    symbol.putdata([QR_DARK if dark else BACKGROUND for row in rows for dark in row])
    symbol = symbol.resize((modules * scale, modules * scale), Image.Resampling.NEAREST)
    box = Image.new("RGB", (QR_BOX_SIZE, QR_BOX_SIZE), BACKGROUND)
    offset = (QR_BOX_SIZE - symbol.width) // 2
    box.paste(symbol, (offset, offset))
    return box


def format_price(price: Money, *, symbol: bool = True) -> str:
    """ "¥1,299.00" for yuan, "1,299.00 USD" otherwise; `symbol=False` when the font may lack
    the sign."""
    amount = quantize(price.amount, price.currency)
    sign = CURRENCY_SYMBOLS.get(price.currency) if symbol else None
    return f"{sign}{amount:,}" if sign else f"{amount:,} {price.currency}"


def _draw_product_image(poster: Image.Image, encoded: bytes | None) -> None:
    left, top, right, bottom = IMAGE_BOX
    size = (right - left, bottom - top)
    picture = _decode_image(encoded) if encoded else None
    if picture is None:
        poster.paste(Image.new("RGB", size, NO_IMAGE_FILL), (left, top))
        return
    # Cover, not fit: the image fills the box and its centre is kept, as on a product page.
    poster.paste(ImageOps.fit(picture, size, Image.Resampling.LANCZOS), (left, top))


def _decode_image(encoded: bytes) -> Image.Image | None:
    """The image as RGB, or None when it cannot be read: a shop's broken upload must not stop a
    distributor from sharing the product."""
    try:
        with Image.open(io.BytesIO(encoded)) as opened:
            opened.draft("RGB", (IMAGE_BOX[2] * 2, IMAGE_BOX[3] * 2))  # JPEG: decode smaller
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    # Pillow's decoders raise many kinds of error on malformed files (OSError, SyntaxError,
    # struct.error, IndexError, DecompressionBombError...): any of them means "no image".
    except Exception as error:
        logger.warning("wfx.distribution: product image cannot be read for a poster: %s", error)
        return None
    if picture.mode in ("RGBA", "LA", "PA", "P") and (
        picture.mode != "P" or "transparency" in picture.info
    ):
        rgba = picture.convert("RGBA")
        flattened = Image.new("RGB", picture.size, BACKGROUND)
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        return flattened
    return picture.convert("RGB")


def wrap_text(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: FontT,
    width: int,
    max_lines: int = NAME_MAX_LINES,
) -> list[str]:
    """Greedy wrap at spaces, and between any two CJK characters (Chinese has no spaces); a word
    longer than a line is cut. The last line ends in an ellipsis when text is left over."""
    lines: list[str] = []
    current = ""
    for token in _WRAP_TOKENS.findall(" ".join(text.split())):
        candidate = current + token
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        if current.strip():
            lines.append(current.rstrip())
        current = "" if token.isspace() else token
        while current and draw.textlength(current, font=font) > width:
            cut = _longest_fitting_prefix(draw, current, font, width)
            lines.append(current[:cut])
            current = current[cut:]
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_ellipsis(draw, lines[-1], font, width)
    return lines


def _truncate(draw: ImageDraw.ImageDraw, text: str, font: FontT, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    return _with_ellipsis(draw, text, font, width)


def _with_ellipsis(draw: ImageDraw.ImageDraw, text: str, font: FontT, width: int) -> str:
    body = text
    while body and draw.textlength(body.rstrip() + "…", font=font) > width:
        body = body[:-1]
    return body.rstrip() + "…"


def _longest_fitting_prefix(draw: ImageDraw.ImageDraw, text: str, font: FontT, width: int) -> int:
    cut = 1
    while cut < len(text) and draw.textlength(text[: cut + 1], font=font) <= width:
        cut += 1
    return cut


def _line_height(draw: ImageDraw.ImageDraw, font: FontT) -> int:
    _left, top, _right, bottom = draw.textbbox((0, 0), "Ág国", font=font)
    return int((bottom - top) * 1.35)


def _fitting_font(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> FontT:
    font = _font(size)
    while size > SMALLEST_CODE_FONT_SIZE and draw.textlength(text, font=font) > width:
        size -= 2
        font = _font(size)
    return font


# --- Fonts ----------------------------------------------------------------------------------


def poster_font() -> PosterFont:
    """WFX_POSTER_FONT when it loads, else a Chinese font found on the machine (the same one
    every time), else a Latin one, else Pillow's own. Never fails: a poster is always made."""
    return _find_font(getattr(settings, "WFX_POSTER_FONT", None) or None)


def _font(size: int) -> FontT:
    return _load_font(poster_font().path, size)


@cache
def _load_font(path: str | None, size: int) -> FontT:
    if path is not None:
        try:
            return ImageFont.truetype(path, size)
        except OSError as error:
            logger.warning("wfx.distribution: cannot load poster font %s: %s", path, error)
    return ImageFont.load_default(size=size)


@cache
def _find_font(configured: str | None) -> PosterFont:
    if configured:
        if _loads(configured):
            # The setting exists to name a Chinese font; trust it.
            return PosterFont(configured, draws_chinese=True)
        logger.warning(
            "wfx.distribution: WFX_POSTER_FONT %s cannot be loaded; looking for a Chinese font "
            "on the system instead.",
            configured,
        )
    for candidate in (*COMMON_CJK_FONTS, *_fontconfig_files(":lang=zh")):
        if _loads(candidate):
            return PosterFont(candidate, draws_chinese=True)
    logger.warning(
        "wfx.distribution: no Chinese font found, so posters cannot show Chinese product names. "
        "Install one (Debian/Ubuntu: apt install fonts-noto-cjk) or set WFX_POSTER_FONT."
    )
    for candidate in (*COMMON_LATIN_FONTS, *_fontconfig_files(":lang=en")):
        if _loads(candidate):
            return PosterFont(candidate, draws_chinese=False)
    return PosterFont(None, draws_chinese=False)


def _loads(path: str) -> bool:
    if not Path(path).is_file():
        return False
    try:
        ImageFont.truetype(path, 12)
    except OSError:
        return False
    return True


def _fontconfig_files(pattern: str) -> list[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        found = subprocess.run(
            [fc_list, pattern, "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = {line.split(":")[0].strip() for line in found.splitlines() if line.strip()}
    # fc-list's order is not stable; regular sans faces first, then by path, so every run on
    # the machine picks the same font.
    return sorted(
        paths,
        key=lambda path: (
            "sans" not in path.lower(),
            any(style in path.lower() for style in ("bold", "italic", "oblique", "light", "mono")),
            path,
        ),
    )

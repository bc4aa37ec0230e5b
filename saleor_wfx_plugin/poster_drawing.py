"""Drawing a share poster: the product's image, name and price, the distributor's code and
the QR code of their link, laid out for a phone screen. The same input gives the same PNG."""

from __future__ import annotations

import io
import logging
import re

import segno
from PIL import Image, ImageDraw, ImageOps

from .domain.money import Money, quantize
from .poster_fonts import FontT, poster_font, sized_font
from .shop import ProductCard

logger = logging.getLogger("saleor_wfx_plugin.posters")

POSTER_SIZE = (750, 1334)  # a phone screen (iPhone 8 points x2): shows whole in a chat preview
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

# A CJK ideograph, kana, hangul or full-width form: a line may break before or after any of them.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_WRAP_TOKENS = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|\s+")


def render_poster(card: ProductCard, code: str, link: str) -> bytes:
    """The poster as PNG bytes; the same input gives the same bytes."""
    font = poster_font()
    poster = Image.new("RGB", POSTER_SIZE, BACKGROUND)
    _draw_product_image(poster, card.image)
    draw = ImageDraw.Draw(poster)
    text_width = POSTER_SIZE[0] - 2 * MARGIN

    name_font = sized_font(NAME_FONT_SIZE)
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
    hint_font = sized_font(HINT_FONT_SIZE)
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
    font = sized_font(size)
    while size > SMALLEST_CODE_FONT_SIZE and draw.textlength(text, font=font) > width:
        size -= 2
        font = sized_font(size)
    return font

"""The font a poster is drawn in: the one WFX_POSTER_FONT names, else a Chinese font the
machine has (always the same one), else a Latin one, else Pillow's own."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from PIL import ImageFont

logger = logging.getLogger("saleor_wfx_plugin.posters")

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

FontT = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class PosterFont:
    path: str | None  # None: Pillow's built-in font
    draws_chinese: bool


def poster_font() -> PosterFont:
    """WFX_POSTER_FONT when it loads, else a Chinese font found on the machine (the same one
    every time), else a Latin one, else Pillow's own. Never fails: a poster is always made."""
    return _find_font(getattr(settings, "WFX_POSTER_FONT", None) or None)


def sized_font(size: int) -> FontT:
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

"""Photos of identity documents stored without their metadata. A phone's camera writes where
and when the picture was taken (EXIF GPS), the device and its owner's name into the file; none
of it is needed to check an ID, and PIPL asks for no more personal data than the purpose needs."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class UnreadableImage(ValueError):
    pass


def without_metadata(content: bytes, content_type: str) -> bytes:
    """The same picture re-encoded with its pixels only (turned upright first, since the
    orientation flag goes with the rest of EXIF); anything that is not such an image unchanged."""
    image_format = _PILLOW_FORMATS.get(content_type)
    if image_format is None:
        return content
    try:
        with Image.open(io.BytesIO(content)) as image:
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            options: dict[str, object] = {}
            if image_format == "JPEG":
                # Close to the original's look; a document photo must stay legible.
                options = {"quality": 95}
                if upright.mode not in {"RGB", "L", "CMYK"}:
                    upright = upright.convert("RGB")
            elif image_format == "WEBP":
                options = {"quality": 95}
            upright.save(out, image_format, **options)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise UnreadableImage(str(error)) from error
    return out.getvalue()

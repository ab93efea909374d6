"""Photos people upload (of activities, of a guide's steps). An upload is decoded, checked to be a real image,
and written again as a fresh JPEG: that drops EXIF (GPS position, phone model) and anything hidden after the
image data."""

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before they fill memory


class PhotoError(Exception):
    pass


def reencode(data: bytes) -> tuple[bytes, int, int]:
    """JPEG bytes with no metadata, at most MAX_SIDE pixels on the long side, upright."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise PhotoError(_("Chỉ nhận ảnh JPEG, PNG hoặc WebP."))
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError(_("Ảnh quá lớn."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            # No exif= argument: Pillow writes none, so the location the phone recorded is gone.
            image.save(out, format="JPEG", quality=80, optimize=True)
            return out.getvalue(), image.width, image.height
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise PhotoError(_("Tệp không phải ảnh hợp lệ.")) from error

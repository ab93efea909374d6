"""Photos of activities. An upload is decoded, checked to be a real image, and written again as a
fresh JPEG: that drops EXIF (GPS position, phone model) and anything hidden after the image data."""

import io
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tocns.audit import services as audit

from .models import Photo

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before they fill memory
PHOTOS_PER_ACTIVITY = 6


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


@transaction.atomic
def add_photo(*, actor, activity, upload) -> Photo:
    if upload.size > settings.PHOTO_MAX_BYTES:
        limit = settings.PHOTO_MAX_BYTES // (1024 * 1024)
        raise PhotoError(_("Ảnh lớn hơn %(mb)s MB.") % {"mb": limit})
    if activity.photos.count() >= PHOTOS_PER_ACTIVITY:
        raise PhotoError(_("Mỗi báo cáo có tối đa %(n)s ảnh.") % {"n": PHOTOS_PER_ACTIVITY})
    data, width, height = reencode(upload.read())
    photo = Photo(activity=activity, width=width, height=height, size=len(data), uploaded_by=actor)
    photo.image.save(f"{secrets.token_urlsafe(16)}.jpg", ContentFile(data), save=False)
    photo.save()
    audit.record(
        actor=actor,
        action="update",
        obj=activity,
        unit_path=activity.unit_path,
        before=None,
        after={"photos": activity.photos.count()},
    )
    return photo

"""Photos of activities, re-encoded by core.images (no location data, nothing hidden after the image)."""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from tocns.audit import services as audit
from tocns.core.images import PhotoError, reencode

from .models import Photo

PHOTOS_PER_ACTIVITY = 6


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

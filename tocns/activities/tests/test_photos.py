import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tocns.activities.models import Photo

from .images import jpeg_bytes, png_bytes


@pytest.fixture
def activity(member_report):
    return member_report


def upload(client, activity, data, name="anh.jpg"):
    return client.post(f"/hoat-dong/{activity.pk}/", {"image": SimpleUploadedFile(name, data)})


def test_photo_is_reencoded_without_location_and_shrunk(client_for, activity):
    original = jpeg_bytes(size=(4000, 3000), gps=True)
    with Image.open(io.BytesIO(original)) as check:
        assert 0x8825 in check.getexif()  # the test file really carries a GPS block
    response = upload(client_for("team_member"), activity, original)
    assert response.status_code == 302
    photo = Photo.objects.get()
    with photo.image.open("rb") as f, Image.open(f) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 1600
        exif = stored.getexif()
        assert 0x8825 not in exif and 0x010F not in exif
    assert (photo.width, photo.height) == (1600, 1200)


def test_photo_turned_upright_from_its_orientation_tag(client_for, activity):
    upload(client_for("team_member"), activity, jpeg_bytes(size=(400, 200), orientation=6))
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (200, 400)


def test_png_with_transparency_is_accepted(client_for, activity):
    assert upload(client_for("team_member"), activity, png_bytes(), "a.png").status_code == 302
    assert Photo.objects.get().image.name.endswith(".jpg")


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4 not an image", b"GIF89a" + b"\x00" * 40, b"<svg xmlns='http://www.w3.org/2000/svg'/>"],
)
def test_non_images_are_refused_in_vietnamese(client_for, activity, data):
    response = upload(client_for("team_member"), activity, data, "x.jpg")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tệp không phải ảnh hợp lệ." in html or "Chỉ nhận ảnh JPEG, PNG hoặc WebP." in html
    assert not Photo.objects.exists()


def test_size_cap(client_for, activity, settings):
    settings.PHOTO_MAX_BYTES = 1024
    response = upload(client_for("team_member"), activity, jpeg_bytes(size=(800, 800)))
    assert "Ảnh lớn hơn" in response.content.decode()
    assert not Photo.objects.exists()


def test_photo_served_only_in_scope(client_for, activity):
    upload(client_for("team_member"), activity, jpeg_bytes())
    photo = Photo.objects.get()
    url = f"/hoat-dong/{activity.pk}/anh/{photo.pk}.jpg"
    officer = client_for("commune_officer").get(url)
    assert officer.status_code == 200 and officer["Content-Type"] == "image/jpeg"
    assert "private" in officer["Cache-Control"]
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302
    # The file is not reachable at a guessable media URL either.
    assert client_for("commune_officer").get("/media/" + photo.image.name).status_code == 404


def test_only_the_author_adds_photos(client_for, activity):
    response = upload(client_for("commune_officer"), activity, jpeg_bytes())
    assert response.status_code == 403
    assert not Photo.objects.exists()


def test_api_photo_upload(client_for, activity):
    client = client_for("team_member")
    response = client.post(
        f"/api/v1/activities/{activity.pk}/photos", {"image": SimpleUploadedFile("a.jpg", jpeg_bytes())}
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["photos"]) == 1
    bad = client.post(
        f"/api/v1/activities/{activity.pk}/photos", {"image": SimpleUploadedFile("a.jpg", b"xx")}
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "image"

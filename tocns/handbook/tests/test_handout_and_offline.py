import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tocns.activities.tests.images import jpeg_bytes
from tocns.handbook.services import set_step_image


def test_handout_is_large_type_with_a_qr_to_the_article(client, write_article):
    write_article(
        "kich-hoat", "Kích hoạt tài khoản định danh điện tử", steps=["Mở VNeID", "Nhập số điện thoại"]
    )
    page = client.get("/cam-nang/kich-hoat/in/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kích hoạt tài khoản định danh điện tử" in html and "Nhập số điện thoại" in html
    assert "<svg" in html and "handout" in html  # the QR and the A4 print style
    assert "http://testserver/cam-nang/kich-hoat/" in html
    assert "Kiểm tra lần cuối 20/11/2026" in html


def test_qr_encodes_the_article_address(client, write_article):
    """Decode nothing by hand: compare with a QR made for the same address."""
    from tocns.core.qr import qr_svg

    write_article("qr-bai", "Bài có mã QR")
    html = client.get("/cam-nang/qr-bai/in/").content.decode()
    assert str(qr_svg("http://testserver/cam-nang/qr-bai/")) in html


def test_offline_list_holds_the_service_guides_and_their_images(client_for, write_article):
    """A member whose team has not reported yet keeps the guides of every service in use (a small handbook's
    every guide; a large one's are capped, see test_offline_list) with their step images; not the handbook's
    front page (at thousands of articles it alone outweighed the budget; the worker lists the guides on the
    phone when offline instead)."""
    guide = write_article("vneid-huong-dan", "Hướng dẫn VNeID", services=["vneid"])
    write_article("hoi-dap", "Hỏi đáp", kind="qa", services=["vneid"])
    write_article("khong-dich-vu", "Bài chung")
    write_article("nhap", "Nháp", services=["vneid"], publish=False)
    set_step_image(
        actor=None, step=guide.steps.get(number=2), upload=SimpleUploadedFile("a.jpg", jpeg_bytes())
    )
    client = client_for("team_member")
    body = client.get("/cam-nang/ngoai-tuyen.json").json()
    assert [(g["url"], g["images"]) for g in body["guides"]] == [
        ("/cam-nang/vneid-huong-dan/", ["/cam-nang/vneid-huong-dan/anh/2.jpg"])
    ]
    first = body["version"]
    write_article("vssid-huong-dan", "Hướng dẫn VssID", services=["vssid"])
    assert client.get("/cam-nang/ngoai-tuyen.json").json()["version"] != first
    # A citizen's browser keeps nothing: the list is for members' phones.
    assert client_for("anonymous").get("/cam-nang/ngoai-tuyen.json").json() == {"version": "", "guides": []}


def test_step_image_is_reencoded_and_shown(client_for, write_article):
    write_article("anh", "Bài có ảnh", steps=["Một", "Hai"])
    client = client_for("province_officer")
    response = client.post(
        "/cam-nang/anh/anh/", {"number": 2, "image": SimpleUploadedFile("s.jpg", jpeg_bytes(gps=True))}
    )
    assert response.status_code == 302
    html = client_for("anonymous").get("/cam-nang/anh/").content.decode()
    assert re.search(r'<img src="/cam-nang/anh/anh/2.jpg"', html)
    image = client_for("anonymous").get("/cam-nang/anh/anh/2.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "public" in image["Cache-Control"]
    bad = client.post("/cam-nang/anh/anh/", {"number": 7, "image": SimpleUploadedFile("s.jpg", jpeg_bytes())})
    assert "Bài không có bước này." in bad.content.decode()

"""Errors answer in Vietnamese, in the site's own page, never Django's English defaults."""

from django.test import Client, RequestFactory
from django.views import defaults

from tocns.accounts.models import User


def test_a_page_that_does_not_exist(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="vi">' in html and "Không tìm thấy trang" in html
    assert "Not Found" not in html


def test_another_communes_unit_is_not_found_and_says_so_in_vietnamese(client_for, tree):
    response = client_for("commune_officer").get(f"/don-vi/{tree.muong_khuong.code}/so-lieu/")
    assert response.status_code == 404
    assert "nằm ngoài phạm vi mà tài khoản của bạn được xem" in response.content.decode()


def test_a_forbidden_action(client_for, tree):
    # Only a province's own officers set its score weights.
    response = client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/trong-so/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền làm việc này" in html and "Forbidden" not in html
    assert "Đăng xuất" in html  # the signed-in header, as on every page


def test_a_form_sent_from_a_page_left_open_too_long(db):
    User.objects.create_user(username="canbo", password="mat-khau-dai-du")
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/dang-nhap/", {"username": "canbo", "password": "mat-khau-dai-du"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Chưa gửi được" in html and "CSRF" not in html


def test_a_server_error_page_needs_neither_the_database_nor_the_user():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Hệ thống đang gặp lỗi" in html and "Báo cáo đang chờ" in html


def test_a_request_for_another_host_is_refused_in_vietnamese(client):
    # Refused before the user is known (the authentication middleware has not run): the page must not need one.
    response = client.get("/", HTTP_HOST="lua-dao.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()

import pytest

from tocns.handbook.models import ArticleVersion


@pytest.fixture
def shelf(write_article):
    return {
        "public": write_article("cong-khai", "Bài công khai"),
        "members": write_article("noi-bo", "Bài cho thành viên", audience="members"),
        "draft": write_article("nhap", "Bài đang viết", publish=False),
    }


def test_citizen_reads_public_only_without_signing_in(client, shelf):
    assert client.get("/cam-nang/cong-khai/").status_code == 200
    members_only = client.get("/cam-nang/noi-bo/")
    assert members_only.status_code == 302 and members_only["Location"].startswith("/dang-nhap/")
    assert client.get("/cam-nang/nhap/").status_code == 404
    listing = client.get("/cam-nang/", {"q": "bai"}).content.decode()
    assert (
        "Bài công khai" in listing and "Bài cho thành viên" not in listing and "Bài đang viết" not in listing
    )


def test_member_reads_everything_published_but_no_draft(client_for, shelf):
    client = client_for("team_member")
    assert client.get("/cam-nang/noi-bo/").status_code == 200
    assert client.get("/cam-nang/nhap/").status_code == 404
    listing = client.get("/cam-nang/", {"q": "bai"}).content.decode()
    assert "Bài cho thành viên" in listing and "Bài đang viết" not in listing


def test_signed_in_account_without_a_role_reads_like_a_citizen(client_for, shelf):
    client = client_for("no_role")
    assert client.get("/cam-nang/cong-khai/").status_code == 200
    assert client.get("/cam-nang/noi-bo/").status_code == 404


def test_editor_sees_drafts_and_publishes(client_for, shelf):
    client = client_for("province_officer")
    index = client.get("/cam-nang/").content.decode()
    assert "Bài đang viết" in index  # in the drafts list
    assert client.get("/cam-nang/nhap/").status_code == 200
    assert client.post("/cam-nang/nhap/dang/", {"action": "publish"}).status_code == 302
    assert client_for("team_member").get("/cam-nang/nhap/").status_code == 200
    assert client.post("/cam-nang/nhap/dang/", {"action": "draft"}).status_code == 302
    assert client_for("team_member").get("/cam-nang/nhap/").status_code == 404


def test_members_and_commune_officers_cannot_edit(client_for, shelf):
    for name in ("team_member", "commune_officer"):
        client = client_for(name)
        assert client.get("/cam-nang/cong-khai/sua/").status_code == 403
        assert client.post("/cam-nang/nhap/dang/", {"action": "publish"}).status_code == 403


def test_every_save_is_a_version_and_old_versions_stay_readable(client_for, shelf):
    client = client_for("province_officer")
    form = {
        "title": "Bài công khai (sửa)",
        "slug": "cong-khai",
        "kind": "guide",
        "audience": "public",
        "summary": "Tóm tắt mới",
        "steps": "Bước một mới\n\nBước hai mới\n\nBước ba mới",
        "services": ["vneid"],
        "sources": "Bộ Công an | https://vneid.gov.vn",
        "last_checked": "2026-11-23",
        "action": "keep",
    }
    response = client.post("/cam-nang/cong-khai/sua/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = shelf["public"]
    article.refresh_from_db()
    assert article.version == 2 and article.status == "published"
    assert [s.text for s in article.steps.all()] == ["Bước một mới", "Bước hai mới", "Bước ba mới"]
    first, second = ArticleVersion.objects.filter(article=article).order_by("number")
    assert first.content["title"] == "Bài công khai" and len(first.content["steps"]) == 2
    assert second.content["title"] == "Bài công khai (sửa)" and second.content["services"] == ["vneid"]
    assert second.saved_by.username == "canbo.tinh"
    old = client.get("/cam-nang/cong-khai/lich-su/1/").content.decode()
    assert "Bài công khai" in old and "Bước đầu của Bài công khai" in old
    assert client_for("team_member").get("/cam-nang/cong-khai/lich-su/").status_code == 403


def test_editor_role_writes_articles(client_for, people, tree):
    from tocns.accounts.models import Role
    from tocns.accounts.services import grant_role

    grant_role(actor=None, user=people.no_role, role=Role.EDITOR, unit=tree.lao_cai)
    client = client_for("no_role")
    response = client.post(
        "/cam-nang/moi/",
        {
            "title": "Cài ứng dụng VssID",
            "slug": "cai-vssid",
            "kind": "guide",
            "audience": "public",
            "summary": "Cài đúng ứng dụng chính thức",
            "steps": "Mở kho ứng dụng\n\nTìm VssID",
            "sources": "Bảo hiểm xã hội Việt Nam | https://baohiemxahoi.gov.vn",
            "last_checked": "2026-11-23",
            "action": "draft",
        },
    )
    assert response.status_code == 302
    assert client.get("/cam-nang/cai-vssid/").status_code == 200


def test_a_source_is_required_and_must_be_a_link(client_for, shelf):
    client = client_for("province_officer")
    form = {
        "title": "X",
        "slug": "x",
        "kind": "guide",
        "audience": "public",
        "summary": "x",
        "steps": "Một bước",
        "sources": "Không có địa chỉ",
        "last_checked": "2026-11-23",
        "action": "draft",
    }
    page = client.post("/cam-nang/moi/", form)
    assert page.status_code == 200
    assert "Mỗi nguồn cần tên và địa chỉ" in page.content.decode()

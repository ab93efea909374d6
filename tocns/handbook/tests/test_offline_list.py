"""What a member's phone keeps for reading without signal (/cam-nang/ngoai-tuyen.json): the guides of the
services their team works on, capped, and the articles they saved ("Lưu để xem khi không có mạng")."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tocns.activities.models import Activity
from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.activities.tests.images import jpeg_bytes
from tocns.handbook import selectors
from tocns.handbook.models import Article, SavedArticle
from tocns.handbook.services import set_step_image
from tocns.teams.services import create_team

LIST = "/cam-nang/ngoai-tuyen.json"


@pytest.fixture
def report(people):
    """Files a report of a team with (service code, people guided) outcomes, made `days_ago` days ago."""

    def file(team, *outcomes, days_ago=3):
        activity, _created = file_report(
            actor=people.admin,
            report_id=uuid.uuid4(),
            data=ReportInput(
                team=team.pk,
                date=timezone.localdate(),
                outcomes=[OutcomeInput(code, guided, guided) for code, guided in outcomes],
            ),
        )
        # Reports older than a year cannot be filed any more; one filed back then is simply dated so.
        Activity.objects.filter(pk=activity.pk).update(
            date=timezone.localdate() - datetime.timedelta(days=days_ago)
        )

    return file


def guides_of(client) -> list[str]:
    return [g["url"] for g in client.get(LIST).json()["guides"]]


def write_guides(write_article, service, count):
    """`count` guides of a service, the later ones checked more recently (the order within a service)."""
    for n in range(count):
        write_article(f"{service}-{n:02d}", f"Hướng dẫn {service} số {n}", services=[service])
        Article.objects.filter(slug=f"{service}-{n:02d}").update(
            last_checked=datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
        )


def test_only_the_guides_of_the_services_the_team_reported_on(client_for, rosters, write_article, report):
    write_article("vneid-huong-dan", "Hướng dẫn VNeID", services=["vneid"])
    write_article("vssid-huong-dan", "Hướng dẫn VssID", services=["vssid"])
    write_article("vneid-hoi-dap", "Hỏi đáp VNeID", kind="qa", services=["vneid"])  # not a guide
    write_article("vneid-nhap", "Nháp VNeID", services=["vneid"], publish=False)
    report(rosters.coc_leu, ("vneid", 4))
    report(rosters.coc_leu, ("vssid", 2), days_ago=400)  # more than a year ago: no longer its work
    report(rosters.lung_cu, ("vssid", 9))  # another team's work
    assert guides_of(client_for("team_member")) == ["/cam-nang/vneid-huong-dan/"]


def test_capped_taking_turns_from_the_teams_services_most_worked_on_first(
    client_for, rosters, write_article, report
):
    write_guides(write_article, "vneid", 15)
    write_guides(write_article, "vssid", 15)
    write_guides(write_article, "health_book", 3)  # the team never reported on it
    report(rosters.coc_leu, ("vneid", 2), ("vssid", 9))
    urls = guides_of(client_for("team_member"))
    assert len(urls) == selectors.OFFLINE_GUIDES == 20
    # VssID first (more people guided), each service's most recently checked guides first, in turns.
    assert urls[:4] == [
        "/cam-nang/vssid-14/",
        "/cam-nang/vneid-14/",
        "/cam-nang/vssid-13/",
        "/cam-nang/vneid-13/",
    ]
    assert {u.rsplit("-", 1)[0] for u in urls} == {"/cam-nang/vssid", "/cam-nang/vneid"}
    assert len({u for u in urls if "vssid" in u}) == 10


def test_a_team_without_reports_gets_the_services_most_worked_on_in_its_commune(
    client_for, tree, rosters, write_article, report
):
    write_article("vneid-huong-dan", "Hướng dẫn VNeID", services=["vneid"])
    write_article("vssid-huong-dan", "Hướng dẫn VssID", services=["vssid"])
    neighbours = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")  # same commune
    report(neighbours, ("vssid", 5))
    report(rosters.lung_cu, ("vneid", 50))  # another province
    assert guides_of(client_for("team_member")) == ["/cam-nang/vssid-huong-dan/"]
    assert guides_of(client_for("outsider")) == ["/cam-nang/vneid-huong-dan/"]  # Lũng Cú's commune
    # A province officer (a province's reports are too many to rank at each sync), like a commune where
    # nobody reported yet: every service in use, in the catalogue's order, up to the cap.
    everything = ["/cam-nang/vneid-huong-dan/", "/cam-nang/vssid-huong-dan/"]
    assert guides_of(client_for("province_officer")) == everything


def test_saved_articles_come_first_whatever_their_kind_or_service(client_for, rosters, write_article, report):
    write_article("vneid-huong-dan", "Hướng dẫn VNeID", services=["vneid"])
    write_article("hoi-dap-zalo", "Hỏi đáp về Zalo", kind="qa")
    report(rosters.coc_leu, ("vneid", 4))
    client = client_for("team_member")
    page = client.post("/cam-nang/hoi-dap-zalo/luu/", {"action": "save"}, follow=True)
    html = page.content.decode()
    assert "Đã lưu bài để xem khi không có mạng." in html
    assert "Đã lưu để xem khi không có mạng" in html and "Bỏ lưu" in html
    assert guides_of(client) == ["/cam-nang/hoi-dap-zalo/", "/cam-nang/vneid-huong-dan/"]
    client.post("/cam-nang/hoi-dap-zalo/luu/", {"action": "remove"})
    assert guides_of(client) == ["/cam-nang/vneid-huong-dan/"]
    assert "Lưu để xem khi không có mạng" in client.get("/cam-nang/hoi-dap-zalo/").content.decode()


def test_saving_one_more_than_kept_lets_the_oldest_saved_go(client_for, people, write_article, monkeypatch):
    monkeypatch.setattr(selectors, "SAVED_MAX", 2)
    for slug in ("mot", "hai", "ba"):
        write_article(slug, f"Bài {slug}", kind="qa")
    client = client_for("team_member")
    client.post("/cam-nang/mot/luu/", {"action": "save"})
    client.post("/cam-nang/hai/luu/", {"action": "save"})
    page = client.post("/cam-nang/ba/luu/", {"action": "save"}, follow=True).content.decode()
    assert "Điện thoại giữ tối đa 2 bài đã lưu, nên bài “Bài mot” lưu lâu nhất đã được bỏ lưu." in page
    saved = SavedArticle.objects.filter(user=people.team_member).values_list("article__slug", flat=True)
    assert sorted(saved) == ["ba", "hai"]


def test_saving_needs_a_published_article_the_user_may_read(client_for, write_article):
    write_article("noi-bo", "Bài nội bộ", kind="qa", audience="members")
    write_article("nhap", "Bài nháp", kind="qa", publish=False)
    assert client_for("no_role").post("/cam-nang/noi-bo/luu/", {"action": "save"}).status_code == 404
    assert client_for("province_officer").post("/cam-nang/nhap/luu/", {"action": "save"}).status_code == 404
    anonymous = client_for("anonymous").post("/cam-nang/noi-bo/luu/", {"action": "save"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/dang-nhap/")
    assert not SavedArticle.objects.exists()
    # A citizen reading a public article is not offered the button: nothing to save it for.
    write_article("cong-khai", "Bài công khai")
    assert (
        "Lưu để xem khi không có mạng"
        not in client_for("anonymous").get("/cam-nang/cong-khai/").content.decode()
    )


def test_a_guide_that_changes_gets_a_new_version_with_its_images(client_for, rosters, write_article, report):
    guide = write_article("vneid-huong-dan", "Hướng dẫn VNeID", services=["vneid"])
    report(rosters.coc_leu, ("vneid", 4))
    client = client_for("team_member")
    before = client.get(LIST).json()
    first = before["guides"][0]["version"]
    assert first == guide.version
    set_step_image(
        actor=None, step=guide.steps.get(number=2), upload=SimpleUploadedFile("a.jpg", jpeg_bytes())
    )
    after = client.get(LIST).json()
    assert after["guides"] == [
        {
            "url": "/cam-nang/vneid-huong-dan/",
            "title": "Hướng dẫn VNeID",
            "version": first + 1,
            "images": ["/cam-nang/vneid-huong-dan/anh/2.jpg"],
        }
    ]
    assert after["version"] != before["version"]


@pytest.mark.parametrize("many", [5, 40])
def test_the_list_costs_the_same_few_queries_however_large_the_handbook(
    many, client_for, rosters, write_article, django_assert_max_num_queries, report
):
    write_guides(write_article, "vneid", many)
    report(rosters.coc_leu, ("vneid", 4))
    client = client_for("team_member")
    with django_assert_max_num_queries(12):
        guides = client.get(LIST).json()["guides"]
    assert len(guides) == min(many, selectors.OFFLINE_GUIDES)

import json

from django.core.management import call_command

from tocns.handbook.content import CONTENT_DIR
from tocns.handbook.models import Article, ArticleStatus

REQUIRED_TOPICS = {
    "kich-hoat-vneid-muc-2",
    "khong-co-dien-thoai-thong-minh",
    "nop-ho-so-dich-vu-cong",
    "vssid-bao-hiem-xa-hoi-so",
    "so-suc-khoe-dien-tu",
    "mo-tai-khoan-thanh-toan-mobile-money-2026",
    "thanh-toan-qr-an-toan",
    "cac-chieu-lua-dao-thuong-gap",
    "kiem-tra-va-bao-cao-lua-dao",
    "bao-ve-zalo-facebook-khong-dua-otp",
    "dua-thong-tin-co-an-toan-khong",
    "tocns-xu-ly-du-lieu-ca-nhan",
}


def test_fresh_install_gets_the_starting_handbook(db, capsys):
    call_command("load_handbook")
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert set(published.values_list("slug", flat=True)) >= REQUIRED_TOPICS
    for article in published:
        assert article.sources and all(s["url"].startswith("https://") for s in article.sources), article.slug
        assert article.last_checked is not None and article.steps.count() >= 3, article.slug
    assert "thêm" in capsys.readouterr().out
    # Loading again changes nothing: editors' later changes are safe.
    call_command("load_handbook")
    assert Article.objects.filter(version__gt=1).count() == 0


def test_starting_content_says_only_what_the_brief_allows(db):
    """No ID numbers asked for, OTP explained, the scams and reporting channels of the brief present."""
    texts = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in CONTENT_DIR.glob("*.json")}
    scams = " ".join(s["text"] for s in texts["cac-chieu-lua-dao-thuong-gap"]["steps"]).lower()
    for needle in ["công an", "sáp nhập", "vneid", "ngân hàng", "việc nhẹ", "deepfake", "đầu tư"]:
        assert needle in scams, needle
    report = " ".join(s["text"] for s in texts["kiem-tra-va-bao-cao-lua-dao"]["steps"]).lower()
    for channel in ["tinnhiemmang.vn", "khonggianmang.vn", "5656", "ntrust"]:
        assert channel in report, channel
    money = " ".join(s["text"] for s in texts["mo-tai-khoan-thanh-toan-mobile-money-2026"]["steps"])
    assert "100 triệu" in money

import datetime

from django.test import Client

from tocns.teams.models import TeamStatus
from tocns.teams.services import current_card, member_leaves, reissue_card, update_team


def verdict(token):
    response = Client().get(f"/xac-minh/{token}")
    return response.status_code, response.text


def test_a_current_members_card_says_so_and_nothing_personal(rosters):
    status, page = verdict(rosters.card_token)
    assert status == 200
    assert "Thẻ hợp lệ" in page and "Lò Thị Mai" in page and "Tổ CNS Cốc Lếu" in page
    assert "0912345679" not in page and "1998" not in page


def test_a_former_members_card_says_since_when(rosters):
    member_leaves(actor=None, member=rosters.member, left_on=datetime.date(2026, 10, 2))
    status, page = verdict(rosters.card_token)
    assert status == 200
    assert "Không còn là thành viên" in page and "02/10/2026" in page and "Thẻ hợp lệ" not in page


def test_a_reissued_card_revokes_the_old_one(rosters):
    new = reissue_card(actor=None, member=rosters.member)
    assert new.token != rosters.card_token
    assert "Thẻ đã bị thay thế" in verdict(rosters.card_token)[1]
    assert "Thẻ hợp lệ" in verdict(new.token)[1]
    assert current_card(member=rosters.member) == new


def test_a_random_token_is_unknown(rosters):
    status, page = verdict("khong-phai-the-that-1234567890")
    assert status == 404 and "Không tìm thấy thẻ" in page


def test_a_dissolved_teams_card_is_not_valid(rosters):
    update_team(actor=None, team=rosters.coc_leu, status=TeamStatus.DISSOLVED)
    assert "Tổ đã giải thể" in verdict(rosters.card_token)[1]


def test_tokens_are_long_and_unique(rosters):
    tokens = {reissue_card(actor=None, member=rosters.leader).token for _ in range(20)}
    assert len(tokens) == 20 and all(len(t) >= 24 for t in tokens)


def test_card_sheet_has_a_qr_per_current_member_pointing_to_verification(rosters, client_for):
    member_leaves(actor=None, member=rosters.leader)
    page = client_for("team_member").get(f"/to/{rosters.coc_leu.pk}/the/").text
    assert page.count("<svg") == 1
    assert "Lò Thị Mai" in page and "Nguyễn Văn Tổ" not in page
    assert "không bao giờ hỏi mật khẩu" in page

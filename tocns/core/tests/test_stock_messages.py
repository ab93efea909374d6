"""Django's own messages in the Vietnamese people read (tocns/locale overrides Django's catalogue where its
wording is awkward: "Đảm bảo giá trị này lớn hơn hoặc bằng với 1920 .")."""

from tocns.teams.forms import MemberForm


def test_a_birth_year_out_of_range_is_refused_in_plain_vietnamese(db):
    form = MemberForm({"full_name": "Lò Văn A", "role": "member", "birth_year": "1800"})
    assert not form.is_valid()
    message = " ".join(form.errors["birth_year"])
    assert "Đảm bảo" not in message and " ." not in message
    assert message.startswith("Giá trị phải từ 19")
    form = MemberForm({"role": "member"})
    assert not form.is_valid() and form.errors["full_name"] == ["Cần điền mục này."]

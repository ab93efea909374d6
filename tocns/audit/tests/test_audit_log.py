from tocns.audit.models import AuditEntry


def test_editing_a_village_is_recorded_with_before_and_after(tree, people, client_for):
    client = client_for("commune_officer")
    response = client.post(
        f"/don-vi/{tree.coc_leu.code}/sua/", {"name": "Tổ dân phố Cốc Lếu 1", "households": "330"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="update")
    assert entry.actor == people.commune_officer
    assert entry.before["name"] == "Tổ dân phố Cốc Lếu" and entry.after["name"] == "Tổ dân phố Cốc Lếu 1"
    assert (entry.before["households"], entry.after["households"]) == (320, 330)
    log = client.get("/nhat-ky/").text
    assert "Tổ dân phố Cốc Lếu 1" in log and "320 → 330" in log


def test_officers_read_only_the_log_of_their_scope(tree, people, client_for):
    client_for("outsider").post(
        f"/don-vi/{tree.lung_cu.code}/sua/", {"name": "Thôn Lũng Cú Mới", "households": "1"}
    )
    client_for("commune_officer").post(
        f"/don-vi/{tree.kim_tan.code}/sua/", {"name": "Tổ Kim Tân", "households": "2"}
    )
    assert "Thôn Lũng Cú Mới" not in client_for("commune_officer").get("/nhat-ky/").text
    assert "Tổ Kim Tân" in client_for("province_officer").get("/nhat-ky/").text
    assert "Tổ Kim Tân" not in client_for("outsider").get("/nhat-ky/").text
    admin_log = client_for("admin").get("/nhat-ky/").text
    assert "Tổ Kim Tân" in admin_log and "Thôn Lũng Cú Mới" in admin_log
    assert AuditEntry.objects.filter(action="update").count() == 2

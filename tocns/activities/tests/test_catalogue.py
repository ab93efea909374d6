import uuid

from django.utils import timezone

from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.audit.models import AuditEntry
from tocns.catalogue.models import DigitalService


def test_fresh_install_has_the_catalogue_with_stable_codes(db):
    codes = list(DigitalService.objects.values_list("code", flat=True))
    assert codes == [
        "vneid",
        "public_services",
        "vssid",
        "health_book",
        "cashless",
        "ecommerce",
        "digital_signature",
        "online_safety",
        "social_groups",
        "other",
    ]
    assert DigitalService.objects.get(code="vneid").completed_label == "đã kích hoạt"


def test_province_officer_renames_and_retires_a_service_and_history_stays(client_for, rosters, people):
    activity, _created = file_report(
        actor=people.team_leader,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=rosters.coc_leu.pk, date=timezone.localdate(), outcomes=[OutcomeInput("ecommerce", 2, 1)]
        ),
    )
    client = client_for("province_officer")
    response = client.post(
        "/dich-vu-so/ecommerce/sua/",
        {
            "code": "something-else",
            "name": "Thương mại điện tử (sàn, OCOP)",
            "short_name": "TMĐT",
            "completed_label": "đã bán hàng",
            "content": "shopping",
            "sort_order": 60,
            "retired_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    service = DigitalService.objects.get(code="ecommerce")  # the code did not change
    assert service.short_name == "TMĐT" and service.retired_on == timezone.localdate()
    assert activity.outcomes.get().service == service
    assert AuditEntry.objects.filter(object_type="digitalservice", action="update").exists()
    # Retired services are gone from the report form but listed (marked) in the catalogue.
    assert 'name="o-ecommerce-c"' not in client_for("team_leader").get("/bao-cao/").content.decode()
    assert "ngừng dùng từ" in client.get("/dich-vu-so/").content.decode()


def test_province_officer_adds_a_service(client_for):
    client = client_for("province_officer")
    response = client.post(
        "/dich-vu-so/moi/",
        {
            "code": "etax",
            "name": "Thuế điện tử (eTax Mobile)",
            "short_name": "eTax",
            "completed_label": "đã cài đặt",
            "content": "public_services",
            "sort_order": 95,
        },
    )
    assert response.status_code == 302
    added = DigitalService.objects.get(code="etax")
    assert (added.short_name, added.get_content_display()) == ("eTax", "Sử dụng dịch vụ công trực tuyến")


def test_commune_officer_cannot_edit_the_catalogue(client_for):
    client = client_for("commune_officer")
    assert client.get("/dich-vu-so/").status_code == 200
    assert client.post("/dich-vu-so/vneid/sua/", {"name": "x"}).status_code == 403

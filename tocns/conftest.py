"""Fixed test people, one per kind of user, on a small tree of two provinces.

Lào Cai (15) ── Phường Lào Cai (02647) ── Tổ dân phố Cốc Lếu, Tổ dân phố Kim Tân
           └── Xã Mường Khương (02953) ── Thôn Na Lang
Tuyên Quang (08) ── Xã Đồng Văn (00721) ── Thôn Lũng Cú
"""

import base64
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from tocns.accounts.models import Role
from tocns.accounts.services import create_user, grant_role
from tocns.browser import chromium_available, launch
from tocns.units.models import Unit, UnitKind
from tocns.units.services import new_unit

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(autouse=True)
def _fast_hashing(settings, tmp_path):
    # Argon2 is the production hasher (see test_login); tests need hundreds of sign-ins, so hash cheaply.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_kept_parts():
    """Dashboard parts are kept in the process under their stamps' tokens; a test's rows are rolled back
    with their stamps, so the next test starts with none kept (ids and paths are reused between tests)."""
    from tocns.reports.parts import KEPT

    KEPT.clear()
    yield
    KEPT.clear()


@pytest.fixture(autouse=True)
def _catalogue_after_flush(request):
    """A transactional test ends by emptying every table, data migrations' rows included; the tests that
    run after it (pytest-django puts all of them last) get the starting catalogue back."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        from tocns.catalogue.data import ensure_services
        from tocns.catalogue.models import DigitalService

        request.getfixturevalue("transactional_db")
        ensure_services(DigitalService)


def make_unit(code, name, kind, parent=None, **extra):
    unit = new_unit(code=code, name=name, kind=kind, parent=parent, **extra)
    unit.save()
    return unit


@dataclass
class Tree:
    lao_cai: Unit
    phuong_lao_cai: Unit
    coc_leu: Unit
    kim_tan: Unit
    muong_khuong: Unit
    na_lang: Unit
    tuyen_quang: Unit
    dong_van: Unit
    lung_cu: Unit


@pytest.fixture
def tree(db) -> Tree:
    lao_cai = make_unit("15", "Lào Cai", UnitKind.PROVINCE, is_official=True)
    phuong = make_unit("02647", "Phường Lào Cai", UnitKind.COMMUNE, lao_cai, is_official=True)
    muong_khuong = make_unit("02953", "Xã Mường Khương", UnitKind.COMMUNE, lao_cai, is_official=True)
    tuyen_quang = make_unit("08", "Tuyên Quang", UnitKind.PROVINCE, is_official=True)
    dong_van = make_unit("00721", "Xã Đồng Văn", UnitKind.COMMUNE, tuyen_quang, is_official=True)
    return Tree(
        lao_cai=lao_cai,
        phuong_lao_cai=phuong,
        coc_leu=make_unit("02647-001", "Tổ dân phố Cốc Lếu", UnitKind.VILLAGE, phuong, households=320),
        kim_tan=make_unit("02647-002", "Tổ dân phố Kim Tân", UnitKind.VILLAGE, phuong, households=280),
        muong_khuong=muong_khuong,
        na_lang=make_unit("02953-001", "Thôn Na Lang", UnitKind.VILLAGE, muong_khuong, households=95),
        tuyen_quang=tuyen_quang,
        dong_van=dong_van,
        lung_cu=make_unit("00721-001", "Thôn Lũng Cú", UnitKind.VILLAGE, dong_van, households=150),
    )


@dataclass
class People:
    admin: object
    province_officer: object
    commune_officer: object
    team_leader: object
    team_member: object
    outsider: object  # a commune officer of another province
    no_role: object

    def by_name(self, name):
        return getattr(self, name)


ROLE_NAMES = [
    "admin",
    "province_officer",
    "commune_officer",
    "team_leader",
    "team_member",
    "outsider",
    "no_role",
]


@pytest.fixture
def people(tree) -> People:
    def person(username, phone, role, unit):
        user = create_user(actor=None, username=username, password=PASSWORD, full_name=username, phone=phone)
        if role:
            grant_role(actor=None, user=user, role=role, unit=unit)
        return user

    return People(
        admin=person("quantri", "0900000001", Role.ADMIN, None),
        province_officer=person("canbo.tinh", "0900000002", Role.PROVINCE_OFFICER, tree.lao_cai),
        commune_officer=person("canbo.xa", "0900000003", Role.COMMUNE_OFFICER, tree.phuong_lao_cai),
        team_leader=person("totruong", "0912345678", Role.TEAM_LEADER, tree.coc_leu),
        team_member=person("thanhvien", "0912345679", Role.TEAM_MEMBER, tree.coc_leu),
        outsider=person("canbo.dongvan", "0900000009", Role.COMMUNE_OFFICER, tree.dong_van),
        no_role=person("chuaphanquyen", None, None, None),
    )


@dataclass
class Rosters:
    coc_leu: object  # team of Tổ dân phố Cốc Lếu, with a leader and a member
    leader: object
    member: object
    lung_cu: object  # team of the other province
    card_token: str


@pytest.fixture
def rosters(tree, people) -> Rosters:
    from tocns.teams.models import Affiliation, MemberRole
    from tocns.teams.services import add_member, create_team, current_card

    team = create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu", decision_number="12/QĐ-UBND")
    leader = add_member(
        actor=None,
        team=team,
        full_name="Nguyễn Văn Tổ",
        role=MemberRole.LEADER,
        phone="0912345678",
        birth_year=1975,
        affiliation=Affiliation.VILLAGE_HEAD,
        has_smartphone=True,
        user=people.team_leader,
    )
    member = add_member(
        actor=None,
        team=team,
        full_name="Lò Thị Mai",
        phone="0912345679",
        birth_year=1998,
        affiliation=Affiliation.YOUTH_UNION,
        has_smartphone=True,
        user=people.team_member,
    )
    other = create_team(actor=None, unit=tree.lung_cu, name="Tổ CNS Lũng Cú")
    add_member(actor=None, team=other, full_name="Sùng Mí Páo", birth_year=1980)
    return Rosters(
        coc_leu=team,
        leader=leader,
        member=member,
        lung_cu=other,
        card_token=current_card(member=member).token,
    )


@pytest.fixture
def client_for(people):
    """A signed-in test client for a person of the fixture ("anonymous" for nobody)."""

    def make(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(people.by_name(name))
        return client

    return make


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SCREENSHOTS = os.environ.get("TOCNS_SCREENSHOTS")


@pytest.fixture
def live_server(live_server):
    """The test's own queries go through the server's connection. With SQLite in memory, pytest-django hands
    the server the connection the test had when the server started; once Playwright runs, this thread's
    ``connections`` holds another one, and two connections to one shared in-memory database lock each
    other's tables: a report the server was writing while the test counted rows failed with "database table
    is locked"."""
    from django.db import connections

    shared = live_server.thread.connections_override
    own = {alias: connections[alias] for alias in shared}
    for alias, connection in shared.items():
        connections[alias] = connection
    yield live_server
    for alias, connection in own.items():
        connections[alias] = connection


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        if os.environ.get("TOCNS_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium (/usr/bin/chromium) is required here but missing: apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture
def shoot():
    """Save a screenshot when TOCNS_SCREENSHOTS names a folder, for people to look at."""

    def take(page, name):
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)

    def save(png_base64: str, name: str):
        """A screenshot taken otherwise (CDP's Page.captureScreenshot, which does not wait for navigations)."""
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            (Path(SCREENSHOTS) / f"{name}.png").write_bytes(base64.b64decode(png_base64))

    take.save = save
    return take

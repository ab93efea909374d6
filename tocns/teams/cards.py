"""Member ID cards: the QR carries only an unguessable token, never a name or a phone number."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString

from tocns.core.qr import qr_svg

from . import selectors, services
from .models import Member, Team


@dataclass
class CardRow:
    member: Member
    url: str
    qr_svg: SafeString


def card_rows(request, team: Team) -> list[CardRow]:
    rows = []
    for member in selectors.roster(team):
        if not member.is_current:
            continue
        card = services.current_card(member=member)
        url = request.build_absolute_uri(reverse("teams:verify", args=[card.token]))
        rows.append(CardRow(member=member, url=url, qr_svg=qr_svg(url)))
    return rows

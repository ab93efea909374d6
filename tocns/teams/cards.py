"""Member ID cards: the QR carries only an unguessable token, never a name or a phone number."""

from dataclasses import dataclass

import segno
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from . import selectors, services
from .models import Member, Team


@dataclass
class CardRow:
    member: Member
    url: str
    qr_svg: SafeString


def qr_svg(url: str) -> SafeString:
    # Error correction M survives a creased, sun-faded card; scale is irrelevant for SVG in print.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True))  # noqa: S308


def card_rows(request, team: Team) -> list[CardRow]:
    rows = []
    for member in selectors.roster(team):
        if not member.is_current:
            continue
        card = services.current_card(member=member)
        url = request.build_absolute_uri(reverse("teams:verify", args=[card.token]))
        rows.append(CardRow(member=member, url=url, qr_svg=qr_svg(url)))
    return rows

"""A unit's letterhead and signature: the one its officers set (models.Letterhead), or defaults that fit
the 2025 structure. A province's reports on the teams go out from the Sở Khoa học và Công nghệ under the
province's People's Committee (the provincial Ban Chỉ đạo is a Party body headed by the Party secretary; its
own documents follow the Party's form); a commune's, a phường's and a đặc khu's from its Ủy ban nhân dân,
the level below which there is no district since 1/7/2025."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tocns.units.models import Unit

from .models import Authority, Letterhead
from .wording import (
    bare_province_name,
    issuing_body,
    issuing_unit,
    level_word,
    place_in_text,
    place_name,
    province_of,
)

KEEP_LINE = "Lưu: VT"


def default_for(unit: Unit) -> Letterhead:
    """An unsaved letterhead with the defaults for the unit (its issuing unit: a village's commune)."""
    unit = issuing_unit(unit)
    if unit.parent_id is None:
        kind, _name = bare_province_name(unit)
        recipients = [
            _("Bộ Khoa học và Công nghệ (để báo cáo)"),
            _(
                "Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số %(kind)s "
                "(để báo cáo)"
            )
            % {"kind": kind},
            _("UBND %(kind)s (để báo cáo)") % {"kind": kind},
            _("UBND các xã, phường, đặc khu (để phối hợp)"),
        ]
        return Letterhead(
            unit=unit,
            body_above=issuing_body(unit),
            body=_("SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
            number_suffix="BC-SKHCN",
            place=place_name(unit),
            authority=Authority.DEPUTY,
            authority_of=_("GIÁM ĐỐC"),
            signer_title=_("PHÓ GIÁM ĐỐC"),
            recipients="\n".join([*recipients, KEEP_LINE]),
        )
    word = level_word(unit)
    province = province_of(unit)
    name = issuing_body(unit).removeprefix("UBND ")
    recipients = [
        _("Sở Khoa học và Công nghệ %(province)s (để báo cáo)")
        % {"province": " ".join(bare_province_name(province))},
        _("Thường trực Đảng ủy, HĐND %(word)s (để báo cáo)") % {"word": word},
        _("Chủ tịch, các Phó Chủ tịch UBND %(word)s") % {"word": word},
    ]
    return Letterhead(
        unit=unit,
        body_above="",
        body=_("ỦY BAN NHÂN DÂN") + "\n" + name,
        number_suffix="BC-UBND",
        place=place_name(unit),
        authority=Authority.ON_BEHALF,
        authority_of=_("ỦY BAN NHÂN DÂN"),
        signer_title=_("CHỦ TỊCH"),
        recipients="\n".join([*recipients, KEEP_LINE]),
    )


def letterhead_for(unit: Unit) -> Letterhead:
    """The issuing unit's own letterhead, or its defaults."""
    unit = issuing_unit(unit)
    return Letterhead.objects.filter(unit=unit).first() or default_for(unit)


# The filing line: "Lưu: VT", "Lưu VT, VHXH" (not a recipient named Lưu: "Ông Lưu Văn Bình").
FILING = re.compile(r"^lưu\s*(?::|vt\b)", re.IGNORECASE)


def _bare(line: str) -> str:
    """A recipient without the dash before it and the stop after it ("v.v." keeps its own)."""
    line = line.strip().lstrip("-–•+ ").strip()
    return re.sub(r"(?<!v\.v)[;,.\s]+$", "", line) if not line.endswith("v.v.") else line


def recipient_lines(text: str) -> list[str]:
    """The recipients as the decree writes them: "- Bộ …;" each, the last "- Lưu: VT." (added when the
    officer left it out; a filing line typed in the middle goes last), whatever dashes and stops were
    typed."""
    lines = [_bare(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    filing = [line for line in lines if FILING.match(line)]
    lines = [line for line in lines if not FILING.match(line)]
    lines.append(filing[-1] if filing else KEEP_LINE)
    last = lines[-1] if lines[-1].endswith(".") else f"{lines[-1]}."
    return [f"- {line};" for line in lines[:-1]] + [f"- {last}"]


@dataclass
class Signature:
    lines: list[str]  # the authority and the title, upper case, bold
    name: str


def signature(head: Letterhead) -> Signature:
    """ "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", or the title alone."""
    lines = []
    if head.authority:
        lines.append(f"{head.authority} {head.authority_of}".strip().upper())
    lines.append(head.signer_title.strip().upper())
    return Signature(lines, head.signer_name.strip())


def number_line(head: Letterhead) -> str:
    """ "Số:      /BC-UBND": the number is given when the document is registered (Nghị định 30)."""
    return _("Số: %(gap)s/%(suffix)s") % {"gap": "\u00a0" * 6, "suffix": head.number_suffix.strip()}


def issuer_in_text(head: Letterhead) -> str:
    """The issuing body as running text names it ("Ủy ban nhân dân xã Mường Khương", "Sở Khoa học và Công
    nghệ tỉnh Lào Cai"); from the body as typed when it is not all capitals, else "" (capitals cannot be
    turned back into a name's own case)."""
    unit = issuing_unit(head.unit)
    default = default_for(unit)
    if head.body.split() == default.body.split():
        if unit.parent_id is None:
            return _("Sở Khoa học và Công nghệ %(place)s") % {"place": place_in_text(unit)}
        return _("Ủy ban nhân dân %(place)s") % {"place": place_in_text(unit)}
    body = " ".join(head.body.split())
    return "" if body.isupper() else body

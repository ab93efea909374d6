"""QR codes as inline SVG, for things printed on paper: member cards, handouts, certificates."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str) -> SafeString:
    # Error correction M survives a creased, sun-faded print; scale is irrelevant for SVG in print.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True))  # noqa: S308

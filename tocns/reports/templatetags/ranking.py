"""{% ranked_rows board.children %}: the rows of a dashboard's ranked child units.

Written here rather than as a template loop: a province ranks ~170 communes with nine cells each, and the
template engine took 8 ms of a 120 ms page over them (measured on the largest province at scale 1.0).
Labels and links are escaped as the template would escape them."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from tocns.core.templatetags.numbers import so

register = template.Library()


@register.simple_tag
def ranked_rows(rows):
    """Labels and links escaped; the numbers are digits and dots (|so), which need none. Written with
    f-strings rather than format_html_join: escaping each of ~1,500 numbers took most of the tag's time."""
    lines = []
    for rank, row in enumerate(rows, start=1):
        label = escape(row.label)
        name = f'<a href="{escape(row.url)}">{label}</a>' if row.url else label
        villages = f"{so(row.villages_with_team)}/{so(row.villages)}" if row.unit else ""
        accounts = f"{_share(row.accounts, row.members)} · {_share(row.active, row.members)}"
        lines.append(
            f'<tr><td>{rank}</td><td>{name}</td><td class="num">{so(row.completed)}</td>'
            f'<td class="num">{so(row.reports)}</td><td class="num">{so(row.teams)}</td>'
            f'<td class="num">{so(row.effective)}</td><td class="num">{so(row.paper)}</td>'
            f'<td class="num">{villages}</td><td class="num">{accounts}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped or a number


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"

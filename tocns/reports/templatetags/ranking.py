"""{% ranked_rows board.children %}: the rows of a dashboard's ranked child units.

Written here rather than as a template loop: a province ranks ~170 communes with nine cells each, and the
template engine took 8 ms of a 120 ms page over them (measured on the largest province at scale 1.0);
format_html escapes every value as the template would."""

from django import template
from django.utils.html import format_html, format_html_join

from tocns.core.templatetags.numbers import so

register = template.Library()


@register.simple_tag
def ranked_rows(rows):
    def cells(rank, row):
        name = format_html('<a href="{}">{}</a>', row.url, row.label) if row.url else row.label
        villages = f"{so(row.villages_with_team)}/{so(row.villages)}" if row.unit else ""
        return (
            rank,
            name,
            so(row.completed),
            so(row.reports),
            so(row.teams),
            so(row.effective),
            so(row.paper),
            villages,
        )

    return format_html_join(
        "\n",
        '<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (cells(rank, row) for rank, row in enumerate(rows, start=1)),
    )

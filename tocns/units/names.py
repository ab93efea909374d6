"""How people write the names of villages: with or without the word for the kind of place ("Thôn Na Lang",
"Na Lang", "thôn Na Lang"), which imports and searches treat as the same name."""

from collections import defaultdict

from django.utils.translation import gettext as _

from tocns.core.excel import shown
from tocns.core.text import fold, strip_place_word


def place_key(name: str) -> str:
    """The name as compared: folded, spaces collapsed, without the leading kind-of-place word."""
    return strip_place_word(" ".join(fold(name).split()))


class Villages:
    """Villages of some communes, found by their name as a file writes it: the same name first, then the same
    name with or without its kind-of-place word."""

    def __init__(self, villages=()):
        self.by_name: dict[tuple[int, str], list] = defaultdict(list)
        self.by_key: dict[tuple[int, str], list] = defaultdict(list)
        for village in villages:
            self.by_name[(village.parent_id, village.search_name)].append(village)
            self.by_key[(village.parent_id, place_key(village.name))].append(village)

    def find(self, commune_pk: int, name: str) -> list:
        return self.by_name.get((commune_pk, fold(name))) or self.by_key.get(
            (commune_pk, place_key(name)), []
        )

    @staticmethod
    def ambiguous(commune, count: int, name: str) -> str:
        return _("%(commune)s có %(count)d thôn cùng tên “%(name)s”") % {
            "commune": commune.name,
            "count": count,
            "name": shown(name),
        }

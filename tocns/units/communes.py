"""Finding the commune an import row means, by its official code (which Excel may have turned into a number
without its leading zero) or by its name (with or without "Xã", "Phường"): loaded once for every row."""

from collections import defaultdict

from django.utils.translation import gettext as _

from tocns.core.excel import cell_text, shown
from tocns.core.text import fold

from .models import Unit, UnitKind

# "Xã Mường Khương" is often written "Mường Khương" in the commune column.
COMMUNE_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ")
# SQLite refuses statements with more than 32,766 parameters; a file may name that many codes.
IN_CHUNK = 5000


def chunks(values, size=IN_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def commune_code(value) -> str:
    """2953 (a number cell) and " 02953 " -> "02953"."""
    text = cell_text(value)
    return text.zfill(5) if text.isdigit() else text


def short_commune(folded: str) -> str:
    for prefix in COMMUNE_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


class Communes:
    """The communes a file's code and name cells name, loaded in a few queries. `at(key, text)` prefixes a
    problem with the cell's column (ParsedFile.problem)."""

    def __init__(self, code_cells, name_cells, allowed_paths: list[str] | None, at):
        self.allowed_paths = allowed_paths
        self.at = at
        codes = {commune_code(v) for v in set(code_cells)} - {""}
        names = {fold(cell_text(v)) for v in set(name_cells)} - {""}
        wanted = set(names)
        for name in names:
            short = short_commune(name)
            wanted.add(short)
            wanted.update(prefix + short for prefix in COMMUNE_PREFIXES)
        found = {}
        current = Unit.objects.current().filter(kind=UnitKind.COMMUNE)
        for chunk in chunks(codes):
            found.update((u.pk, u) for u in current.filter(code__in=chunk))
        for chunk in chunks(wanted):
            found.update((u.pk, u) for u in current.filter(search_name__in=chunk))
        self.units: dict[int, Unit] = found
        self.by_code = {u.code: u for u in found.values()}
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        self.by_short: dict[str, list[Unit]] = defaultdict(list)
        for unit in found.values():
            self.by_name[unit.search_name].append(unit)
            self.by_short[short_commune(unit.search_name)].append(unit)

    def in_scope(self, unit: Unit) -> bool:
        return self.allowed_paths is None or any(unit.path.startswith(p) for p in self.allowed_paths)

    def touches_scope(self, unit: Unit) -> bool:
        """The unit is in scope, or something below it is (a team leader's village in a commune)."""
        return self.allowed_paths is None or any(
            unit.path.startswith(p) or p.startswith(unit.path) for p in self.allowed_paths
        )

    def find(self, code_cell, name_cell) -> tuple[Unit | None, str | None]:
        """(the commune, None) or (None, the problem, pointing at its cell)."""
        at = self.at
        code = commune_code(code_cell)
        if code:
            commune = self.by_code.get(code)
            if commune is None:
                return None, at(
                    "commune_code",
                    _("không có xã/phường/đặc khu nào mang mã “%(code)s”") % {"code": shown(code_cell)},
                )
            return commune, None
        name = cell_text(name_cell)
        if not name:
            return None, _("thiếu mã xã hoặc tên xã")
        folded = fold(name)
        candidates = self.by_name.get(folded) or self.by_short.get(short_commune(folded), [])
        if len(candidates) > 1 and self.allowed_paths is not None:
            # Names repeat across provinces; the user's own scope usually tells which one is meant.
            mine = [u for u in candidates if self.touches_scope(u)]
            candidates = mine or candidates
        if not candidates:
            return None, at(
                "commune_name", _("không có xã/phường/đặc khu nào tên “%(name)s”") % {"name": shown(name)}
            )
        if len(candidates) > 1:
            return None, at(
                "commune_name",
                _("có %(count)d xã/phường/đặc khu tên “%(name)s”, hãy ghi thêm mã xã")
                % {"count": len(candidates), "name": shown(name)},
            )
        return candidates[0], None

    def out_of_scope(self, unit: Unit, code_cell) -> str:
        key = "commune_code" if commune_code(code_cell) else "commune_name"
        return self.at(key, _("“%(name)s” không thuộc phạm vi bạn quản lý") % {"name": unit.name})

"""Finding the header row of a spreadsheet people made, whatever they wrote in it.

Communes put titles above the header ("UBND XÃ …", "DANH SÁCH …", merged across the columns), write the same
column a dozen ways ("SĐT", "Số ĐT", "Điện thoại", "Số điện\nthoại (*)"), split a header over two rows (a
merged "Thông tin liên hệ" above "SĐT" and "Zalo") and number the columns under it ("(1) (2) (3)"). A header
cell is compared by its folded, punctuation-free words against each column's spellings; where two cells could
be the same column the closer spelling wins, and a cell serves one column only. What the officer once said a
header means (a remembered choice) is one more spelling; a column they pointed at by its letter is taken as
it is."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import fold

_PUNCTUATION = re.compile(r"[^0-9a-z]+")
MAX_KEY = 200
# A header as shown and kept between steps: real ones are a few words; a cell can hold 32,767 characters.
MAX_HEADER = 80
# "(1)", "1", "[2]": the row of column numbers some forms have under the header.
_COLUMN_NUMBER = re.compile(r"^[\(\[]?\d{1,2}[\)\]]?$")


def header_key(text) -> str:
    """A header cell as compared: no case, no diacritics, punctuation as spaces ("Mã xã/phường (*)"
    and "ma xa - phuong" are the same column)."""
    if text is None:
        return ""
    # Cut: a header is compared and remembered (ColumnChoice.header) by at most this much.
    return " ".join(_PUNCTUATION.sub(" ", fold(str(text))).split())[:MAX_KEY]


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letter: str) -> int | None:
    """ "A" -> 0; None for anything that is not a column letter."""
    letter = (letter or "").strip().upper()
    if not letter or not letter.isascii() or not letter.isalpha() or len(letter) > 3:
        return None
    index = 0
    for char in letter:
        index = index * 26 + ord(char) - 64
    return index - 1


@dataclass(frozen=True)
class Column:
    """A column an import reads. Its spellings are ranked: the label, then the aliases in order, then
    `fallback` (spellings another column has a better claim to: a roster's "Chức vụ" is the member's role in
    the team unless another column says that, then it is their position in the village)."""

    key: str
    label: str  # the spelling templates and exports use
    aliases: tuple[str, ...] = ()  # other spellings seen in real files, closest first
    fallback: tuple[str, ...] = ()

    def spellings(self) -> set[str]:
        return set(self.ranks())

    def ranks(self, extra=()) -> dict[str, int]:
        ranks: dict[str, int] = {}
        for spelling in (self.label, *self.aliases, *extra, *self.fallback):
            ranks.setdefault(header_key(spelling), len(ranks))
        ranks.pop("", None)
        return ranks


@dataclass(frozen=True)
class HeaderCell:
    letter: str
    header: str  # as written in the file, on one line

    def __str__(self):
        return f"{self.letter} ({self.header})" if self.header else self.letter


@dataclass
class Header:
    """Where each column is: its index, and the cell as the file wrote it."""

    found: dict[str, int]
    cells: dict[int, str]  # index -> header text of every non-blank header cell (sub-header rows merged in)
    rows: int = 1  # how many sheet rows the header takes, column-number row included
    ignored: list[HeaderCell] = field(default_factory=list)

    def cell(self, key: str) -> HeaderCell:
        index = self.found[key]
        return HeaderCell(column_letter(index), self.cells.get(index, ""))


def _text(value) -> str:
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_HEADER else text[: MAX_HEADER - 1] + "…"


def match(cells: tuple, columns, extra: dict[str, tuple] | None = None, taken=()) -> dict[str, int]:
    """Column key -> index of the cell that is that column. Columns are served in their order, each by the
    cell with its closest spelling among the cells not yet taken."""
    keys = [header_key(c) for c in cells]
    taken = set(taken)
    found = {}
    for column in columns:
        ranks = column.ranks((extra or {}).get(column.key, ()))
        best = min(((ranks[k], i) for i, k in enumerate(keys) if k in ranks and i not in taken), default=None)
        if best is not None:
            found[column.key] = best[1]
            taken.add(best[1])
    return found


def missing(found, columns, required) -> list[tuple[str, str]]:
    """(key, label) of the first column of each required group none of whose columns was found."""
    labels = {c.key: c.label for c in columns}
    return [
        (group[0], _(" hoặc ").join(labels[k] for k in group))
        for group in required
        if not any(k in found for k in group)
    ]


def _chosen(values: tuple, chosen: dict[str, int]) -> dict[str, int]:
    """The columns the officer pointed at, where this row has something in them."""
    return {k: i for k, i in chosen.items() if i < len(values) and _text(values[i])}


def find_header(head: list[tuple[int, tuple]], columns, required, *, extra=None, chosen=None):
    """(position in head, Header) of the first row that has every required column, or (None, the closest
    row's position and what it had) when none does."""
    chosen = chosen or {}
    best = None
    for position, (_number, values) in enumerate(head):
        picked = _chosen(values, chosen)
        found = {**match(values, columns, extra, taken=picked.values()), **picked}
        if not missing(found, columns, required):
            return position, _header(head, position, found, columns, extra)
        if best is None or len(found) > len(best[1]):
            best = (position, found)
    return None, best


def _header(head, position: int, found: dict[str, int], columns, extra) -> Header:
    values = head[position][1]
    cells = {i: _text(v) for i, v in enumerate(values) if _text(v)}
    rows = 1
    after = head[position + 1][1] if position + 1 < len(head) else ()
    # A second header row: cells under a merged group header ("Thông tin liên hệ" over "SĐT", "Zalo").
    rest = [c for c in columns if c.key not in found]
    more = match(after, rest, extra, taken=found.values()) if rest else {}
    if more:
        found.update(more)
        for i, v in enumerate(after):
            if _text(v):
                cells[i] = _text(v)
        rows += 1
        after = head[position + 2][1] if position + 2 < len(head) else ()
    if _is_column_numbers(after):
        rows += 1
    used = set(found.values())
    ignored = [HeaderCell(column_letter(i), text) for i, text in sorted(cells.items()) if i not in used]
    return Header(found=found, cells=cells, rows=rows, ignored=ignored)


def _is_column_numbers(values: tuple) -> bool:
    """ "(1) (2) (3) …" or 1 2 3 … under the header: at least two cells, all numbers, increasing."""
    filled = [_text(v) for v in values if _text(v)]
    if len(filled) < 2 or not all(_COLUMN_NUMBER.match(t) for t in filled):
        return False
    numbers = [int(t.strip("()[]")) for t in filled]
    return numbers == sorted(set(numbers))


def headers_of(values: tuple) -> list[HeaderCell]:
    return [HeaderCell(column_letter(i), _text(v)) for i, v in enumerate(values) if _text(v)]

"""Text helpers shared by every search box: Vietnamese without diacritics must still match."""

import re
import unicodedata
from functools import lru_cache

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map đ to d: "Đồng Văn" -> "dong van"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


_WORD = re.compile(r"\w+")


def search_words(text: str) -> list[str]:
    """The folded words of a text or a query, punctuation dropped: "(VNeID)," -> ["vneid"], so a word
    written next to a bracket or a comma is still that word."""
    return _WORD.findall(fold(text))


# Vietnamese alphabetical order: ă and â after a, đ after d, ê after e, ô and ơ after o, ư after u (the
# letters Vietnamese does not use sit where Latin puts them). Tones are a second level: a word without a
# tone first, then huyền, hỏi, ngã, sắc, nặng, as PostgreSQL's ICU collation "vi-x-icu" orders them.
_LETTERS = {letter: rank for rank, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")}
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@lru_cache(maxsize=1 << 14)
def vi_key(text: str) -> tuple:
    """A sort key giving Vietnamese alphabetical order: "Xã An" < "Xã Âu Lâu" < "Xã Ba" < "Xã Đông" <
    "Xã Yên" (by code point, Â and Đ come after Y). Letters first, then tones, then capitals after small
    letters, as ICU's Vietnamese collation does."""
    letters, tones, capitals = [], [], []

    def add(base: str, shape: str, tone: int):
        letter = unicodedata.normalize("NFC", base.lower() + shape)
        rank = _LETTERS.get(letter)
        letters.append((2, rank) if rank is not None else (1 if base.isdigit() else 0, ord(letter[0])))
        tones.append(tone)
        capitals.append(base.isupper())

    base, shape, tone = None, "", 0
    for ch in unicodedata.normalize("NFD", text):
        if base is not None and unicodedata.combining(ch):
            if ch in _SHAPES:
                shape += ch
            elif ch in _TONES:
                tone = _TONES[ch]
            continue
        if base is not None:
            add(base, shape, tone)
        base, shape, tone = ch, "", 0
    if base is not None:
        add(base, shape, tone)
    return tuple(letters), tuple(tones), tuple(capitals), text


# NUL and the other C0 controls but tab, newline and carriage return; DEL; the non-characters U+FFFE and
# U+FFFF and lone surrogates. Nobody types one; PostgreSQL refuses NUL in any text, and a Word file cannot
# hold any of them (a letterhead saved with U+FFFE made every report of its commune fail).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def strip_controls(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


# Characters that show nothing: zero-width spaces and joiners, direction marks, the byte-order mark, a soft
# hyphen, and the blank "letters" (Braille blank, Hangul fillers) that pass for text where spaces would not.
# A cell of only these is blank; inside a name they are dropped.
INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x115F,
        0x1160,
        0x180E,
        0x2800,
        0x3164,
        0xFEFF,
        0xFFA0,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
    ]
    + list(range(0x2060, 0x2065))
)


_INVISIBLE = re.compile("[" + "".join(map(chr, INVISIBLE)) + "]")


def strip_invisible(text: str) -> str:
    # A search first: most text has none, and searching is ~8x cheaper than str.translate() (measured on a
    # name: 0.36 µs against 2.8 µs; an import calls this for every cell of 100,000 rows).
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


# The words for a kind of place that names of villages start with ("Thôn Na Lang"), folded, longest first.
PLACE_WORDS = (
    "to dan pho",
    "khu dan cu",
    "khu pho",
    "thon",
    "ban",
    "xom",
    "ap",
    "tdp",
    "buon",
    "plei",
    "soc",
    "khom",
    "lang",
)


def strip_place_word(folded: str) -> str:
    """ "thon na lang" -> "na lang"; a name that is only the word ("thon") stays as it is."""
    for word in PLACE_WORDS:
        if folded.startswith(word + " "):
            return folded[len(word) + 1 :]
    return folded

"""Text helpers shared by every search box: Vietnamese without diacritics must still match."""

import re
import unicodedata

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

"""Text helpers shared by every search box: Vietnamese without diacritics must still match."""

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics and map đ to d: "Đồng Văn" -> "dong van"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def search_words(query: str) -> list[str]:
    return [w for w in fold(query).split(" ") if w]

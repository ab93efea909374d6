"""How people write the names of villages: with or without the word for the kind of place ("Thôn Na Lang",
"Na Lang", "thôn Na Lang"), which imports and searches treat as the same name."""

from tocns.core.text import fold, strip_place_word


def place_key(name: str) -> str:
    """The name as compared: folded, spaces collapsed, without the leading kind-of-place word."""
    return strip_place_word(" ".join(fold(name).split()))

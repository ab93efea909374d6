"""How people write the names of villages: with or without the word for the kind of place ("Thôn Na Lang",
"Na Lang", "thôn Na Lang"), which imports and searches treat as the same name."""

from tocns.core.text import fold

# Folded, longest first: "to dan pho" before "to".
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
    "khu",
    "to",
)


def strip_place_word(folded: str) -> str:
    """ "thon na lang" -> "na lang"; a name that is only the word ("thon") stays as it is."""
    for word in PLACE_WORDS:
        if folded.startswith(word + " "):
            return folded[len(word) + 1 :]
    return folded


def place_key(name: str) -> str:
    """The name as compared: folded, spaces collapsed, without the leading kind-of-place word."""
    return strip_place_word(" ".join(fold(name).split()))

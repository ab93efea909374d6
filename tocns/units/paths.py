"""Unit paths ("/15/02647/02647-001/"): the codes from the province down. Grouping figures by child unit
and finding the units above a user's both come down to cutting a path; done here, once."""

from functools import lru_cache


# Remembered: a dashboard cuts the path of every team and village below it, a province ~9,000 times per
# page. Room for every unit of the country (~103,000).
@lru_cache(maxsize=1 << 17)
def child_of(path: str, parent_path: str) -> str | None:
    """The path of the parent's child that contains ``path``; None for the parent itself or a path
    outside it. child_of("/15/02647/02647-001/", "/15/") == "/15/02647/"; the country's path is "/"."""
    if path == parent_path or not path.startswith(parent_path):
        return None
    return parent_path + path[len(parent_path) :].split("/", 1)[0] + "/"


def ancestors(path: str) -> list[str]:
    """The paths above a unit, from the province down: "/15/02647/02647-001/" -> ["/15/", "/15/02647/"]."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))]

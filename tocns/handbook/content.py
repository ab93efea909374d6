"""The handbook a fresh install starts with: one JSON file per article in content/, loaded by
`manage.py load_handbook` (which `bootstrap` runs). Articles already in the database are left alone,
since editors may have improved them; --update overwrites them with the files (as a new version)."""

import datetime
import json
from pathlib import Path

from .models import Article
from .services import ArticleInput, save_article

CONTENT_DIR = Path(__file__).resolve().parent / "content"
KEYS = {"slug", "kind", "title", "summary", "audience", "services", "last_checked", "sources", "steps"}


def read_article(path: Path) -> ArticleInput:
    data = json.loads(path.read_text(encoding="utf-8"))
    missing = KEYS - set(data)
    if missing:
        raise ValueError(f"{path.name}: thiếu {', '.join(sorted(missing))}")
    if data["slug"] != path.stem:
        raise ValueError(f"{path.name}: slug “{data['slug']}” khác tên tệp")
    return ArticleInput(
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        kind=data["kind"],
        audience=data["audience"],
        last_checked=datetime.date.fromisoformat(data["last_checked"]),
        steps=[step["text"] for step in data["steps"]],
        sources=[{"title": s["title"], "url": s["url"]} for s in data["sources"]],
        services=list(data["services"]),
    )


def load_content(*, update: bool = False, directory: Path = CONTENT_DIR) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for path in sorted(directory.glob("*.json")):
        data = read_article(path)
        existing = Article.objects.filter(slug=data.slug).first()
        if existing is not None and not update:
            counts["unchanged"] += 1
            continue
        save_article(actor=None, data=data, article=existing, publish=True)
        counts["updated" if existing else "created"] += 1
    return counts

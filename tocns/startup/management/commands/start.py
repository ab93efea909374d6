"""What `make run` does once the libraries are installed (its step 1), in one process: the database brought
up to date, the data it lacks loaded, static files collected when their sources changed, then the server.

Each step is skipped when there is nothing to do, so a second start only pays for Python and Django
starting (separate migrate, bootstrap and collectstatic processes took ~20 s on this kind of machine)."""

import hashlib
import io
import os
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, OutputWrapper
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from tocns.startup.management.commands import serve
from tocns.startup.management.commands.bootstrap import add_demo_arguments

STEPS = 5  # step 1, installing the libraries, is make's


def unapplied_migrations(database: str = DEFAULT_DB_ALIAS) -> int:
    executor = MigrationExecutor(connections[database])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def static_sources_digest() -> str:
    """A hash of every file collectstatic would copy (name and content) and of where and how it copies
    them: equal digests mean a second collectstatic would write the same files."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for value in (
        settings.STORAGES["staticfiles"]["BACKEND"],
        str(settings.STATIC_ROOT),
        settings.STATIC_URL,
    ):
        digest.update(value.encode() + b"\0")
    files = {}
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):  # collectstatic's default ignore patterns
            name = f"{getattr(storage, 'prefix', None) or ''}/{path}"
            files.setdefault(name, storage.path(path))  # the first finder's file wins, as in collectstatic
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(Path(files[name]).read_bytes()).digest())
    return digest.hexdigest()


def static_stamp_path() -> Path:
    # Beside STATIC_ROOT, not inside: everything inside is served.
    root = Path(settings.STATIC_ROOT)
    return root.with_name(f".{root.name}.sources")


def static_collected() -> bool:
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    root = Path(settings.STATIC_ROOT)
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        return (root / staticfiles_storage.manifest_name).is_file()
    return root.is_dir() and any(root.iterdir())


class Command(BaseCommand):
    help = (
        "make run sau bước cài đặt: cập nhật CSDL, nạp dữ liệu còn thiếu, gom tệp tĩnh khi có thay đổi, rồi "
        "chạy máy chủ — trong một tiến trình, bỏ qua bước không có gì để làm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=int(os.environ.get("TOCNS_THREADS", "8")))
        add_demo_arguments(parser)

    @contextmanager
    def step(self, number: int, text: str):
        """Prints '[n/5] text… outcome (1,2 s)' on one line; what the step itself printed follows, indented."""
        self.stdout.write(f"[{number}/{STEPS}] {text}… ", ending="")
        self.stdout.flush()
        began = time.perf_counter()
        result = {"outcome": "xong", "output": io.StringIO()}
        yield result
        seconds = f"{time.perf_counter() - began:.1f}".replace(".", ",")
        self.stdout.write(f"{result['outcome']} ({seconds} s)")
        for line in result["output"].getvalue().splitlines():
            self.stdout.write(f"      {line}")
        self.stdout.flush()

    def handle(self, *args, host, port, threads, demo=None, **options):
        with self.step(2, "Cập nhật cơ sở dữ liệu") as step:
            pending = unapplied_migrations()
            if pending:
                call_command("migrate", interactive=False, verbosity=0)
                step["outcome"] = f"xong, {pending} bước"
            else:
                step["outcome"] = "đã mới nhất"

        with self.step(3, "Nạp dữ liệu còn thiếu (đơn vị, cẩm nang, tập huấn, mô phỏng)") as step:
            printed = io.StringIO()
            call_command("bootstrap", demo=demo, stdout=printed)
            # The demo's sign-ins are listed once, by the server's step.
            for line in printed.getvalue().splitlines():
                if not line.lstrip().startswith("demo."):
                    step["output"].write(line + "\n")

        with self.step(4, "Gom tệp tĩnh") as step:
            digest, stamp = static_sources_digest(), static_stamp_path()
            if static_collected() and stamp.is_file() and stamp.read_text().strip() == digest:
                step["outcome"] = "không đổi"
            else:
                call_command("collectstatic", interactive=False, verbosity=0)
                stamp.write_text(digest + "\n")

        with self.step(5, "Khởi động máy chủ") as step:
            server = serve.listen(host=host, port=port, threads=threads, stdout=OutputWrapper(step["output"]))
        serve.run(server, host=host, port=port, stdout=self.stdout)

"""Import team rosters from the Excel sheet communes keep: one row per member (commune, village, team,
name, role, phone, birth year, affiliation, smartphone).

Two steps, like the village import: read_roster() checks every row and says what would happen (the dry
run); apply_roster() writes, all or nothing unless the user chose to import only the good rows.

Files of 100,000 rows are expected (a province's whole roster), so nothing here queries per row:
the communes, villages, teams and current members the file refers to are loaded up front in a few
queries, rows are checked in memory, and writes are bulk, in batches.

Who is who, among the current members of the row's team:
- the member with the row's phone, when the names are the same (folded); a phone held by someone of
  another name is an error, not a rename: families share phones;
- otherwise the member with the same name (folded) and a birth year that does not disagree; a row
  with a phone takes such a member only if they had no phone (the import fills it in), a row without
  one prefers a member without one.
A blank cell means "not given": it never clears what the roster holds, so a file with fewer columns
updates only what it has. Names change only in spelling (case, diacritics, spaces) through an import;
anything bigger is an edit on the team's page.

The stages live in their own modules: roster_values (columns and cell values), roster_match (rows against
the database) and roster_write (the writes); this module puts them together."""

import functools

from tocns.core.bulk import snapshotter
from tocns.core.import_lock import locked_import

from .roster_match import RosterImportResult, check_roster
from .roster_values import HEADERS, KEYS, parse_roster, team_key
from .roster_write import IMPORT_AUDIT_FIELDS, apply_roster

__all__ = [
    "HEADERS",
    "IMPORT_AUDIT_FIELDS",
    "KEYS",
    "RosterImportResult",
    "apply_roster",
    "check_roster",
    "import_roster",
    "parse_roster",
    "read_roster",
    "snapshotter",
    "team_key",
]


def read_roster(
    data: bytes,
    *,
    allowed_paths: list[str] | None = None,
    columns: dict[str, str] | None = None,
    create_villages: bool = False,
    extra=None,
) -> RosterImportResult:
    """Check every row (the dry run). allowed_paths limits which units the user may change (None: all)."""
    return check_roster(
        parse_roster(data, columns=columns, extra=extra),
        allowed_paths=allowed_paths,
        create_villages=create_villages,
    )


def import_roster(
    data: bytes,
    *,
    actor=None,
    allowed_paths: list[str] | None = None,
    skip_bad_rows: bool = False,
    columns: dict[str, str] | None = None,
    create_villages: bool = False,
    extra=None,
) -> RosterImportResult:
    """Read, check and write in one go, one import at a time per commune (core.import_lock): the rows are
    checked against the database only once the communes they name are locked, so a second import of the
    same file waits for the first and then finds everyone already there."""
    return locked_import(
        functools.partial(check_roster, create_villages=create_villages),
        apply_roster,
        parse_roster(data, columns=columns, extra=extra),
        actor=actor,
        allowed_paths=allowed_paths,
        skip_bad_rows=skip_bad_rows,
    )

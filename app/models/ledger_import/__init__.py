"""The 台账 import: an office's existing spreadsheet into the database.

    wb = open_workbook(path)                      # .xlsx/.xls/.ods/.csv, or SheetFileError
    guess = detect_header(wb, wb.sheet_names[0])  # the header row (user may choose another)
    mapping = guess_mapping(header_names(wb, sheet, guess.row))   # {column: field}, editable
    closings_without_date(wb, sheet, guess.row, mapping)          # > 0: ask how to date them
    plan = preview(db, wb, sheet, guess.row, mapping, closing_basis="accepted")  # no writes
    result = apply(db, plan, by=user, skip_bad_rows=..., skip_duplicates=...)

Modules: reading (files), mapping (headers and columns), values (one cell), plan (the
preview), writing (the transaction). docs/ledger.md describes the rules.
"""

from app.models.ledger_import.mapping import (
    FIELDS,
    HeaderGuess,
    check_mapping,
    column_letter,
    detect_header,
    guess_mapping,
    header_names,
)
from app.models.ledger_import.plan import (
    CLOSING_BASES,
    Duplicate,
    ImportPlan,
    PlannedCase,
    RowError,
    SkippedRow,
    YearSource,
    closings_without_date,
    preview,
    villages_to_add,
)
from app.models.ledger_import.reading import Workbook, open_workbook
from app.models.ledger_import.writing import IMPORT_ACTION, ImportResult, apply_import

apply = apply_import

__all__ = [
    "CLOSING_BASES",
    "FIELDS",
    "IMPORT_ACTION",
    "Duplicate",
    "HeaderGuess",
    "ImportPlan",
    "ImportResult",
    "PlannedCase",
    "RowError",
    "SkippedRow",
    "Workbook",
    "YearSource",
    "apply",
    "apply_import",
    "check_mapping",
    "closings_without_date",
    "column_letter",
    "detect_header",
    "guess_mapping",
    "header_names",
    "open_workbook",
    "preview",
    "villages_to_add",
]

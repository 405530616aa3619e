"""A registry is declared once (app/models/registries/kind.py): a field added to its
declaration, with its column, reaches the service, the 村居档案 table, the spreadsheet and the
冲突处理 labels without another edit — as docs/architecture.md ("Adding a field to a
registry") says."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Any, cast

import openpyxl
import pytest

from app.models import office
from app.models import registries as reg
from app.models.db import Database
from app.models.errors import ValidationError
from app.models.registries import sheets
from app.models.registries.cells import Sheet
from app.models.registries.fields import Text
from app.models.registries.kind import RegistryKind
from app.models.sync import triggers
from tests.helpers import edit_entry
from tests.models.helpers import user


@dataclass(frozen=True)
class AdviserWithEmail:  # LegalAdviser with the new field's attribute
    id: str
    village_id: str
    village_name: str
    name: str
    phone: str
    area: str
    email: str
    retired: bool
    stamp: str = ""


EMAIL = Text(
    "email",
    "电子邮箱",
    max_len=60,
    column="电子邮箱",
    sheet=Sheet(width=24, hint="可以不填。", example="li@example.com", aliases=("邮箱",)),
)
# (replace() keeps the declaration's row type; this kind's rows are another class: Any)
ADVISERS: RegistryKind[AdviserWithEmail] = replace(
    cast("RegistryKind[Any]", reg.LEGAL_ADVISERS),
    row=AdviserWithEmail,
    fields=(*reg.LEGAL_ADVISERS.fields, EMAIL),
)


@pytest.fixture
def with_email(office_db: Database) -> Database:
    """The office after the field's migration."""
    with office_db.transaction() as conn:
        conn.execute("ALTER TABLE legal_advisers ADD COLUMN email TEXT NOT NULL DEFAULT ''")
        triggers.install(conn)
    return office_db


def _village(db: Database) -> str:
    return next(v.id for v in office.villages(db) if v.name == "红旗村")


def test_a_field_added_to_the_declaration_is_kept_checked_and_edited(with_email: Database) -> None:
    db, by = with_email, user(with_email)
    old = reg.LEGAL_ADVISERS.add(db, by=by, village_id=_village(db), name="赵永红")
    new = ADVISERS.add(db, by=by, village_id=_village(db), name="李春梅", email=" li@example.com ")
    assert [(a.name, a.email) for a in ADVISERS.list(db)] == [
        ("赵永红", ""),  # added before: the column's default
        ("李春梅", "li@example.com"),
    ]
    with pytest.raises(ValidationError) as exc:
        ADVISERS.add(db, by=by, village_id=_village(db), name="孙文军", email="x" * 61)
    assert exc.value.field == "电子邮箱" and "最多 60 个字" in exc.value.message
    edit_entry(ADVISERS, db, old, by=by, email="zhao@example.com")
    assert ADVISERS.get(db, old).email == "zhao@example.com"
    assert ADVISERS.get(db, new).email == "li@example.com"


def test_the_table_the_sheet_and_the_conflicts_name_the_new_field(with_email: Database) -> None:
    db = with_email
    ADVISERS.add(db, by=user(db), village_id=_village(db), name="李春梅", email="li@example.com")
    column = next(c for c in ADVISERS.columns if c.column == "电子邮箱")
    assert [column.text(a) for a in ADVISERS.list(db)] == ["li@example.com"]
    assert ADVISERS.column_labels["email"] == "电子邮箱"
    assert ADVISERS.sheet_spec.headers[-1] == "电子邮箱"
    exported = openpyxl.load_workbook(io.BytesIO(sheets.export_xlsx(db, ADVISERS)))
    rows = list(exported[ADVISERS.sheet or ""].iter_rows(values_only=True))
    assert rows[0][-1] == "电子邮箱" and rows[1][-1] == "li@example.com"


def test_a_row_class_without_the_fields_attribute_is_refused() -> None:
    with pytest.raises(TypeError, match="email"):
        replace(reg.LEGAL_ADVISERS, fields=(*reg.LEGAL_ADVISERS.fields, EMAIL))

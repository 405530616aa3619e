"""What the documents need to know about the office that prints them (plain data)."""

from __future__ import annotations

from dataclasses import dataclass

from app.models.office import Committee


@dataclass(frozen=True)
class OfficeInfo:
    """The printing office. Every field may be empty: the case's committee name is used
    when ``committee_name`` is empty, and empty fields print as blank lines."""

    committee_name: str = ""
    seal_text: str = ""  # the words on the seal; the committee name when empty
    town_name: str = ""
    address: str = ""
    phone: str = ""
    court_name: str = ""  # the basic-level court for judicial confirmation
    retention: str = ""  # 保管期限 of the case files (e.g. "长期"), printed on the cover

    def committee(self, case_committee: str = "") -> str:
        return self.committee_name.strip() or case_committee.strip()

    def seal(self, case_committee: str = "") -> str:
        return self.seal_text.strip() or self.committee(case_committee)


def office_info(committee: Committee | None = None, **fields: str) -> OfficeInfo:
    """An :class:`OfficeInfo` from the office's committee (app.models.office) and extras."""
    if committee is not None:
        fields.setdefault("committee_name", committee.name)
        fields.setdefault("seal_text", committee.seal_text)
    return OfficeInfo(**fields)

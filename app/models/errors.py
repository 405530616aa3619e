"""Typed errors of the domain layer. ``message`` is plain Chinese for the user."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules do not allow; the UI shows ``message`` and nothing was saved."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """A field's value is wrong. ``field`` names it as the form labels it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class IllegalTransitionError(DomainError):
    """The case's state does not allow this step."""

    def __init__(self, message: str, *, action: str, state: str) -> None:
        super().__init__(message)
        self.action = action
        self.state = state


class NotFoundError(DomainError):
    pass


class PermissionDeniedError(DomainError):
    pass


class InUseError(DomainError):
    """A row cannot be deleted because other records refer to it; retire (停用) it instead.

    ``references`` lists what refers to it, in words ("3 件案件", "12 户住户")."""

    def __init__(self, message: str, *, references: tuple[str, ...]) -> None:
        super().__init__(message)
        self.references = references


class SheetFileError(DomainError):
    """A file chosen for import cannot be read as an xlsx workbook (not xlsx, corrupt,
    password-protected, missing). ``file_name`` is the name shown in the message."""

    def __init__(self, message: str, *, file_name: str) -> None:
        super().__init__(message)
        self.file_name = file_name


class SheetColumnsError(DomainError):
    """The sheet's header row lacks required columns. ``expected`` lists every column of
    the template, ``missing`` the required ones not found, ``found`` the header as read."""

    def __init__(
        self,
        message: str,
        *,
        expected: tuple[str, ...],
        missing: tuple[str, ...],
        found: tuple[str, ...],
    ) -> None:
        super().__init__(message)
        self.expected = expected
        self.missing = missing
        self.found = found


class ImportRejectedError(DomainError):
    """The import was not applied: some rows are wrong and skipping them was not chosen.
    Nothing was written."""

    def __init__(self, message: str, *, bad_rows: tuple[int, ...]) -> None:
        super().__init__(message)
        self.bad_rows = bad_rows


class ImportFailedError(DomainError):
    """Writing an import failed at an Excel row (the data changed since the preview);
    the whole import was rolled back. ``row`` is the Excel row number."""

    def __init__(self, message: str, *, row: int) -> None:
        super().__init__(message)
        self.row = row


class ColumnMappingError(DomainError):
    """The column mapping of a 台账 import cannot be used: a field is given two columns, or a
    required field has none. ``fields`` names the fields concerned (as the wizard labels
    them), ``columns`` the sheet columns concerned ("C 列“申请人”")."""

    def __init__(
        self, message: str, *, fields: tuple[str, ...], columns: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.fields = fields
        self.columns = columns


class ExportFileError(DomainError):
    """An export could not be written (folder missing or not writable, disk full, the file
    open in another program). Nothing half-written is left. ``path`` is the target file."""

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


class OperationCancelledError(DomainError):
    """The user cancelled a long operation (export, import); nothing was kept of it."""


class StaleEditError(DomainError):
    """An edit form's row changed after the form read it (another window, another user, a
    sync merge): nothing was written. The form offers 重新载入 (reload) and the user edits
    again on what is stored now. The message names who changed it, and when, if known."""

    def __init__(self, reason: str, *, table: str, row_id: str) -> None:
        super().__init__(reason + self.RELOAD_HINT)
        self.reason = reason  # "…在您打开之后已被修改（…）。", for a form that cannot reload
        self.table = table
        self.row_id = row_id

    RELOAD_HINT = "请点“重新载入”看最新内容，再重新修改。"

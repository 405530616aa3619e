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

"""The error every reader in app/models/parsing raises."""

from __future__ import annotations

MAX_SHOWN = 20  # characters of a long wrong text quoted in a message


class ParseError(ValueError):
    """What was written cannot be read. ``message`` says so in plain Chinese, quoting it
    and saying how to write it, without naming the field (the caller knows it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def shown(text: str) -> str:
    """A typed text as a message quotes it: spaces folded, at most MAX_SHOWN characters."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"

"""Who is logged in, per open database: the UI's side of app/models/accounts.py.

The login dialog (app/ui/login_dialog.py) puts the actor here; every form passes
``current_actor(db)`` to the services it calls, which check the permission themselves. Windows
ask :func:`why_not` to disable what the role may not do, with the reason as the tooltip.

Tests log in the set-up 主任 through the real password check (tests/conftest.py office_db).
"""

from __future__ import annotations

import weakref

from app.models import accounts
from app.models.accounts import Actor
from app.models.db import Database

_actors: dict[int, tuple[weakref.ref[Database], Actor]] = {}


class NotSignedInError(RuntimeError):
    """A service was about to be called with nobody logged in: a bug, never the user's."""


def sign_in(db: Database, actor: Actor) -> None:
    key = id(db)

    def gone(_ref: weakref.ref[Database]) -> None:
        _actors.pop(key, None)

    _actors[key] = (weakref.ref(db, gone), actor)


def sign_out(db: Database) -> None:
    _actors.pop(id(db), None)


def signed_in(db: Database) -> Actor | None:
    entry = _actors.get(id(db))
    if entry is None or entry[0]() is not db:
        return None
    return entry[1]


def current_actor(db: Database) -> Actor:
    """The logged-in user, for the services' ``by``."""
    actor = signed_in(db)
    if actor is None:
        raise NotSignedInError("nobody is logged in to this database")
    return actor


def may(db: Database, permission: str) -> bool:
    actor = signed_in(db)
    return actor is not None and accounts.may(actor, permission)


def case_refusal(db: Database, action: str, case_id: str | None = None) -> str:
    """'' when the logged-in user may take the case step (app/models/cases.py TRANSITIONS:
    the role, and a 调解员's own cases); else why not."""
    from app.models import cases

    actor = signed_in(db)
    if actor is None:
        return "请先登录。"
    return cases.refusal(db, actor, action, case_id)


def why_not(db: Database, permission: str) -> str:
    """'' when the logged-in user may; else the reason (a disabled button's tooltip)."""
    actor = signed_in(db)
    if actor is None:
        return "请先登录。"
    return accounts.why_not(actor, permission)

"""One copy of the program per database file.

Two copies on one file would each write back what they loaded and silently undo the
other's edits, and two starting together on a file that needs creating or upgrading raced.
So the first copy to start on a file *claims* it: a QLockFile (the race: exactly one process
holds it; a holder that died is noticed by its process id) and a QLocalServer, both named
after the user and the file. A second start on the same file connects to that server, asks
the first to come to the front, and ends without opening the database. A second start
with ``--starter FILE`` (a 外出准备文件 double-clicked while the program is open) hands the
file to the first, which opens it.

The name is a hash of the user and the file's resolved path (case-folded on Windows), so a
symlink or a different spelling of the same file is the same claim, and two users on one
machine never meet. Another file, or ``--demo``, is another claim.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import APP_NAME
from app.qt.core import QDir, QLockFile, QObject, QThread, Signal
from app.qt.network import QLocalServer, QLocalSocket
from app.qt.widgets import QApplication, QMainWindow, QWidget

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
STARTER = b"starter "  # + the file's absolute path in UTF-8 + b"\n", sent before ACTIVATE
ANSWER = b"ok\n"
# How long a second start tries to reach the first: the first listens a moment after it
# took the lock, but answers only from its event loop, which may wait for a long upgrade.
REACH_MS = 4000


def claim_name(db_path: Path) -> str:
    """The server's (and the lock file's) name for ``db_path`` and this user."""
    try:
        resolved = db_path.resolve()
    except OSError:
        resolved = db_path.absolute()
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    key = f"{user}\n{os.path.normcase(str(resolved))}".encode("utf-8", "surrogatepass")
    return f"{APP_NAME}-{hashlib.sha256(key).hexdigest()[:24]}"


def lock_path(name: str) -> Path:
    return Path(QDir.tempPath()) / f"{name}.lock"


class InstanceGuard(QObject):
    """This process's claim on a database file: held until ``release`` (or exit).
    ``activate_requested`` when a second start on the same file asked for the window. A
    外出准备文件 the second start was given goes to the handler of hand_starters_to, and
    waits for it when it comes before the window is up."""

    activate_requested = Signal()

    def __init__(self, name: str, lock: QLockFile) -> None:
        super().__init__()
        self.name = name
        self._lock = lock
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        self._pending_starters: list[Path] = []
        self._open_starter: Callable[[Path], object] | None = None
        # Only the lock's holder gets here: a server of that name is a dead one's leftover.
        QLocalServer.removeServer(name)
        if not self.server.listen(name):
            log.warning(
                "single instance: cannot listen on %s (%s); a second start will not find this one",
                name,
                self.server.errorString(),
            )

    @property
    def listening(self) -> bool:
        return self.server.isListening()

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data())
            if line.startswith(STARTER) and line.endswith(b"\n"):
                path = Path(line[len(STARTER) : -1].decode("utf-8", "replace"))
                log.info("a second start hands over the starter file %s", path)
                if self._open_starter is None:
                    self._pending_starters.append(path)
                else:
                    self._open_starter(path)
                continue  # ACTIVATE follows
            if line == ACTIVATE:
                log.info("a second start on the same database: coming to the front")
                socket.write(ANSWER)
                socket.flush()
                self.activate_requested.emit()
            socket.disconnectFromServer()

    def hand_starters_to(self, open_starter: Callable[[Path], object]) -> None:
        """From now on a starter file a second start hands over goes to ``open_starter``;
        one that came earlier goes now."""
        self._open_starter = open_starter
        waiting, self._pending_starters = self._pending_starters, []
        for path in waiting:
            open_starter(path)

    def release(self) -> None:
        """Stop listening and give the file up (the program is closing)."""
        self.server.close()
        self._lock.unlock()


@dataclass(frozen=True)
class Claim:
    """What ``claim`` found. ``guard``: this process is the first (keep it until exit).
    Otherwise another copy has the file; ``answered``: it came to the front."""

    guard: InstanceGuard | None
    answered: bool = False

    @property
    def first(self) -> bool:
        return self.guard is not None


def claim(db_path: Path, *, reach_ms: int | None = None, starter: Path | None = None) -> Claim:
    """Claim ``db_path`` for this process, or ask the copy that has it to come forward
    (trying for ``reach_ms``, default REACH_MS) and to open ``starter``, a 外出准备文件."""
    name = claim_name(db_path)
    lock = QLockFile(str(lock_path(name)))
    # Never stale by age (the program runs for days); a lock whose process is gone is
    # stale at once (QLockFile checks the process id and name).
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return Claim(InstanceGuard(name, lock))
    if lock.error() != QLockFile.LockError.LockFailedError:
        # The temp folder cannot hold the lock: run unguarded rather than not at all.
        log.warning(
            "single instance: cannot make %s (%s); not guarded", lock.fileName(), lock.error()
        )
        return Claim(InstanceGuard(name, lock))
    log.info("another copy of the program has %s open: asking it to come to the front", db_path)
    reach = REACH_MS if reach_ms is None else reach_ms
    return Claim(None, answered=_ask_to_activate(name, reach, starter))


def _ask_to_activate(name: str, reach_ms: int, starter: Path | None = None) -> bool:
    deadline = time.monotonic() + reach_ms / 1000
    socket = QLocalSocket()
    while True:
        socket.connectToServer(name)
        if socket.waitForConnected(min(500, reach_ms)):
            break
        if time.monotonic() >= deadline:
            log.warning(
                "single instance: the first copy does not listen (%s)", socket.errorString()
            )
            return False
        QThread.msleep(100)  # the first has the lock and is about to listen
    _allow_foreground()
    if starter is not None:
        socket.write(STARTER + str(starter.absolute()).encode("utf-8", "surrogatepass") + b"\n")
    socket.write(ACTIVATE)
    socket.flush()
    answered = False
    while time.monotonic() < deadline:
        left = max(1, int((deadline - time.monotonic()) * 1000))
        if socket.canReadLine() or socket.waitForReadyRead(min(left, 250)):
            answered = bytes(socket.readLine().data()) == ANSWER
            break
        if socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
            break
    socket.disconnectFromServer()
    if not answered:
        log.warning("single instance: the first copy did not answer (busy starting or upgrading?)")
    return answered


def _allow_foreground() -> None:
    """Windows lets only the foreground process hand the foreground on: the second start
    (just launched by the user, so in front) lets the first take it. Elsewhere nothing."""
    import ctypes

    windll = getattr(ctypes, "windll", None)  # Windows only
    if windll is None:
        return
    asfw_any = -1
    try:
        windll.user32.AllowSetForegroundWindow(asfw_any)
    except (AttributeError, OSError) as exc:
        log.info("AllowSetForegroundWindow failed: %s", exc)


def front_window() -> QWidget | None:
    """The window a second start should bring forward: an open dialog first (a question
    at start, a form), else the main window, else any visible window."""
    modal = QApplication.activeModalWidget()
    if modal is not None:
        return modal
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() or w.isMinimized()]
    for window in windows:
        if isinstance(window, QMainWindow):
            return window
    return windows[0] if windows else None


def bring_to_front(window: QWidget | None = None) -> None:
    """Show ``window`` (default: ``front_window()``) un-minimized, raised and active."""
    target = window if window is not None else front_window()
    if target is None:
        return
    if target.isMinimized():
        target.showNormal()
    else:
        target.show()
    target.raise_()
    target.activateWindow()

"""Console sessions kept in the database, so that one ended anywhere is refused everywhere at once.

The browser's signed cookie holds only a random session id; the table keeps its SHA-256 as primary key.
Every console request reads its session and account in one statement (two primary-key lookups), and
no instance remembers a session between requests: logout, a password change and deactivation mark
the rows ended, and every instance refuses them from their next request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from gateway.domain.clock import Clock, utcnow
from gateway.persistence.user_models import StaffSession
from gateway.services.accounts.snapshots import StaffInfo, snapshot
from gateway.services.ports import Transactions

SESSION_HOURS = 10  # a working day and a bit: log in once per shift
SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often per session
KEEP = timedelta(days=30)  # rows unused this long (ended or idle) are deleted as new logins come
MAX_ID = 64  # longer than any id we hand out

# Why a session ended.
LOGOUT = "logout"
PASSWORD = "password"  # noqa: S105 - a reason, not a secret
DEACTIVATED = "deactivated"


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


class SessionStore:
    """Start, look up and end console sessions."""

    def __init__(self, db: Transactions, clock: Clock = utcnow, hours: float = SESSION_HOURS) -> None:
        self.db = db
        self.clock = clock
        self.lifetime = timedelta(hours=hours)

    def start(self, user_id: int, user_agent: str | None, address: str | None) -> str:
        """A new session for the account; its id is returned once, for the cookie, and never stored."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        row = StaffSession(
            id_hash=_digest(session_id),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            user_agent=(user_agent or "")[:200] or None,
            address=(address or "")[:64] or None,
        )
        with self.db.writing() as uow:
            uow.accounts.add_session(row, forget_before=now - KEEP)
        return session_id

    def account(self, session_id: str) -> StaffInfo | None:
        """The account of a live session, or None: unknown, ended, idle past its lifetime, or the
        account is inactive. One read by primary key; a write at most once a minute (last seen)."""
        if not session_id or len(session_id) > MAX_ID:
            return None
        digest, now = _digest(session_id), self.clock()
        with self.db.reading() as uow:
            found = uow.accounts.session_with_account(digest)
            if found is None:
                return None
            seen, ended, user = found
            if ended is not None or not user.active or seen + self.lifetime <= now:
                return None
            info = snapshot(StaffInfo, user)
        if now - seen >= SEEN_EVERY:
            with self.db.writing() as uow:
                uow.accounts.touch_session(digest, now)
        return info

    def end(self, session_id: str, reason: str = LOGOUT) -> None:
        """End one session (logout)."""
        if not session_id or len(session_id) > MAX_ID:
            return
        with self.db.writing() as uow:
            uow.accounts.end_session(_digest(session_id), self.clock(), reason)

"""Console sessions kept in the database, so that one ended anywhere is refused everywhere at once.

The browser's signed cookie holds only a random session id; the table keeps its SHA-256 as primary key.
Every console request reads its session and account in one statement (two primary-key lookups), and
no instance remembers a session between requests: logout, a password change and deactivation mark
the rows ended, and every instance refuses them from their next request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from gateway.domain.clock import Clock, utcnow
from gateway.persistence.db import Database
from gateway.persistence.user_models import StaffSession, StaffUser

SESSION_HOURS = 10  # a working day and a bit: log in once per shift
SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often per session
KEEP = timedelta(days=30)  # rows unused this long (ended or idle) are deleted as new logins come
MAX_ID = 64  # longer than any id we hand out

# Why a session ended.
LOGOUT = "logout"
PASSWORD = "password"  # noqa: S105 - a reason, not a secret
DEACTIVATED = "deactivated"


# Built once: it runs on every console request (SQLAlchemy caches its SQL; this saves building it).
_LOOKUP = (
    select(StaffSession.last_seen_at, StaffSession.ended_at, StaffUser)
    .join(StaffUser, StaffUser.id == StaffSession.user_id)
    .where(StaffSession.id_hash == bindparam("digest"))
)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


class SessionStore:
    """Start, look up and end console sessions."""

    def __init__(self, db: Database, clock: Clock = utcnow, hours: float = SESSION_HOURS) -> None:
        self.db = db
        self.clock = clock
        self.lifetime = timedelta(hours=hours)

    def start(self, user_id: int, user_agent: str | None, address: str | None) -> str:
        """A new session for the account; its id is returned once, for the cookie, and never stored."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.unit_of_work() as session:
            session.execute(delete(StaffSession).where(StaffSession.last_seen_at < now - KEEP))
            session.add(
                StaffSession(
                    id_hash=_digest(session_id),
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    user_agent=(user_agent or "")[:200] or None,
                    address=(address or "")[:64] or None,
                )
            )
        return session_id

    def account(self, session_id: str) -> StaffUser | None:
        """The account of a live session, or None: unknown, ended, idle past its lifetime, or the
        account is inactive. One read by primary key; a write at most once a minute (last seen)."""
        if not session_id or len(session_id) > MAX_ID:
            return None
        digest, now = _digest(session_id), self.clock()
        with self.db.read() as session:
            found = session.execute(_LOOKUP, {"digest": digest}).one_or_none()
        if found is None:
            return None
        seen, ended, user = found
        if ended is not None or not user.active or seen + self.lifetime <= now:
            return None
        if now - seen >= SEEN_EVERY:
            with self.db.unit_of_work() as session:
                session.execute(
                    update(StaffSession)
                    .where(StaffSession.id_hash == digest, StaffSession.ended_at.is_(None))
                    .values(last_seen_at=now)
                )
        return user

    def end(self, session_id: str, reason: str = LOGOUT) -> None:
        """End one session (logout)."""
        if not session_id or len(session_id) > MAX_ID:
            return
        with self.db.unit_of_work() as session:
            session.execute(
                update(StaffSession)
                .where(StaffSession.id_hash == _digest(session_id), StaffSession.ended_at.is_(None))
                .values(ended_at=self.clock(), end_reason=reason)
            )


def end_all(session: Session, user_id: int, now: datetime, reason: str) -> None:
    """End every open session of an account, inside the caller's transaction (the change that ends
    them and their end commit together)."""
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )

"""The repository of staff accounts, their sessions and failed logins, and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from gateway.persistence.models import ApiKey
from gateway.persistence.repositories.base import Repository
from gateway.persistence.user_models import LoginFailure, StaffSession, StaffUser


class Attempt(NamedTuple):
    """A login attempt counted against an account before its password is checked."""

    user_id: int
    failures: int  # counting this attempt
    password_hash: str


class SessionFound(NamedTuple):
    """A console session as looked up by its id's digest, with its account."""

    last_seen_at: datetime
    ended_at: datetime | None
    user: StaffUser


# Built once: it runs on every console request (SQLAlchemy caches its SQL; this saves building it).
_LOOKUP = (
    select(StaffSession.last_seen_at, StaffSession.ended_at, StaffUser)
    .join(StaffUser, StaffUser.id == StaffSession.user_id)
    .where(StaffSession.id_hash == bindparam("digest"))
)


class AccountRepository(Repository):
    """Staff accounts, their sessions and failed logins, and API keys."""

    # ---- staff accounts -----------------------------------------------------------------------

    def add_staff(self, user: StaffUser) -> bool:
        """Add an account and give it its id; False if the username is taken (also by a concurrent
        insert: the unique constraint decides, and the caller must then end its transaction)."""
        taken = select(StaffUser.id).where(StaffUser.username == user.username)
        if self.session.scalar(taken) is not None:
            return False
        self.session.add(user)
        try:
            self.session.flush()
        except IntegrityError:
            return False
        return True

    def all_staff(self) -> list[StaffUser]:
        """Every account, by username."""
        return list(self.session.scalars(select(StaffUser).order_by(StaffUser.username)))

    def staff(self, user_id: int, *, for_update: bool = False) -> StaffUser | None:
        """An account by id (locked for this transaction if asked), or None."""
        return self.session.get(StaffUser, user_id, with_for_update=for_update)

    def staff_for_update(self, username: str) -> StaffUser | None:
        """An account by (lower-case) username, locked for this transaction, or None."""
        query = select(StaffUser).where(StaffUser.username == username).with_for_update()
        return self.session.scalar(query)

    def other_active_admins(self, user_id: int) -> int:
        """How many active admins there are besides this account."""
        query = select(func.count()).select_from(StaffUser)
        admins = query.where(StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user_id)
        return self.session.scalar(admins) or 0

    def count_attempt(self, username: str, now: datetime) -> Attempt | None:
        """Count a failure against an active, unlocked account in one conditional UPDATE (so concurrent
        attempts are counted one by one); None if there is no such account."""
        row = self.session.execute(
            update(StaffUser)
            .where(
                StaffUser.username == username,
                StaffUser.active.is_(True),
                or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= now),
            )
            .values(failed_logins=StaffUser.failed_logins + 1)
            .returning(StaffUser.id, StaffUser.failed_logins, StaffUser.password_hash)
            .execution_options(synchronize_session=False)
        ).one_or_none()
        return Attempt(*row) if row is not None else None

    def lock_staff(self, user_id: int, until: datetime) -> None:
        """Refuse an account's logins until then."""
        self.session.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id)
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        )

    # ---- failed logins by address -------------------------------------------------------------

    def add_login_failure(self, address: str, at: datetime, forget_before: datetime) -> None:
        """One failed login from an address; failures up to forget_before are deleted (aged out)."""
        self.session.execute(delete(LoginFailure).where(LoginFailure.at <= forget_before))
        self.session.add(LoginFailure(address=address, at=at))

    def login_failures(self, address: str, since: datetime) -> int:
        """Failed logins from an address after a time."""
        query = select(func.count()).select_from(LoginFailure)
        return self.session.scalar(query.where(LoginFailure.address == address, LoginFailure.at > since)) or 0

    # ---- console sessions ---------------------------------------------------------------------

    def add_session(self, row: StaffSession, forget_before: datetime) -> None:
        """A new session; sessions last seen before forget_before are deleted."""
        self.session.execute(delete(StaffSession).where(StaffSession.last_seen_at < forget_before))
        self.session.add(row)

    def session_with_account(self, digest: str) -> SessionFound | None:
        """A session by its id's digest with its account, in one statement, or None."""
        found = self.session.execute(_LOOKUP, {"digest": digest}).one_or_none()
        return SessionFound(*found) if found is not None else None

    def touch_session(self, digest: str, now: datetime) -> None:
        """Note that an open session was seen now."""
        self.session.execute(
            update(StaffSession)
            .where(StaffSession.id_hash == digest, StaffSession.ended_at.is_(None))
            .values(last_seen_at=now)
        )

    def end_session(self, digest: str, now: datetime, reason: str) -> None:
        """End one open session."""
        self._end_sessions(StaffSession.id_hash == digest, now, reason)

    def end_sessions_of(self, user_id: int, now: datetime, reason: str) -> None:
        """End every open session of an account."""
        self._end_sessions(StaffSession.user_id == user_id, now, reason)

    def _end_sessions(self, which: ColumnElement[bool], now: datetime, reason: str) -> None:
        self.session.execute(
            update(StaffSession)
            .where(which, StaffSession.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason)
        )

    # ---- API keys -----------------------------------------------------------------------------

    def add_key(self, key: ApiKey) -> None:
        """Add a key and give it its id."""
        self.session.add(key)
        self.session.flush()

    def key(self, key_id: int) -> ApiKey | None:
        """A key by id, or None."""
        return self.session.get(ApiKey, key_id)

    def key_by_hash(self, digest: str) -> ApiKey | None:
        """A key by the SHA-256 of its clear text, or None."""
        return self.session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))

    def all_keys(self) -> list[ApiKey]:
        """Every key, oldest first."""
        return list(self.session.scalars(select(ApiKey).order_by(ApiKey.id)))

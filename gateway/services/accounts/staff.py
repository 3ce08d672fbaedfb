"""Staff accounts of the consoles: create, list, change passwords, deactivate, log in with lockout,
and their sessions."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from gateway.domain.access import HUMAN_ROLES, Actor
from gateway.domain.clock import Clock, utcnow
from gateway.domain.errors import Forbidden, InvalidInput, NotFound
from gateway.persistence.user_models import StaffUser
from gateway.services.accounts.logins import Lockout, client_key
from gateway.services.accounts.passwords import PasswordHasher, ScryptHasher, check_password, valid_username
from gateway.services.accounts.sessions import DEACTIVATED, LOGOUT, PASSWORD, SESSION_HOURS, SessionStore
from gateway.services.accounts.snapshots import StaffInfo, snapshot
from gateway.services.ports import Transactions, UnitOfWork

log = logging.getLogger(__name__)

MANAGE = "keys:manage"  # the admin permission over credentials: API keys and staff accounts alike


class StaffService:
    """Accounts, logins and sessions. Failed logins lock an account for a while, doubling with each further
    failure; an address with too many failed logins within the lock window (password spraying across
    accounts, which no account's own lock notices) is refused until its failures age out of it."""

    def __init__(
        self,
        db: Transactions,
        department_codes: frozenset[str],
        clock: Clock = utcnow,
        *,
        max_failures: int = 5,
        lock_minutes: float = 15,
        max_lock_hours: float = 24,
        max_address_failures: int = 30,
        hasher: PasswordHasher | None = None,
        session_hours: float = SESSION_HOURS,
    ) -> None:
        self.db = db
        self.department_codes = department_codes
        self.clock = clock
        lock, max_lock = timedelta(minutes=lock_minutes), timedelta(hours=max_lock_hours)
        self.lockout = Lockout(db, clock, max_failures, lock, max_lock, max_address_failures)
        self.hasher: PasswordHasher = hasher or ScryptHasher()
        self.sessions = SessionStore(db, clock, session_hours)
        self._dummy: str | None = None
        self._dummy_lock = threading.Lock()

    @property
    def max_address_failures(self) -> int:
        """Failed logins from one address within the lock window that refuse its further logins."""
        return self.lockout.max_address_failures

    # ---- management ---------------------------------------------------------------------------

    def create(
        self,
        username: str,
        password: str,
        display_name: str,
        role: str,
        department_code: str | None = None,
        actor: Actor | None = None,
    ) -> StaffInfo:
        """A new active account; the username is kept in lower case."""
        _require(actor)
        username, display_name = valid_username(username), display_name.strip()
        if not 1 <= len(display_name) <= 50:
            raise InvalidInput("display_name", "must be 1-50 characters")
        if role not in HUMAN_ROLES:
            raise InvalidInput("role", f"must be one of: {', '.join(HUMAN_ROLES)}")
        department_code = department_code or None
        if role == "department" and not department_code:
            raise InvalidInput("department", "a department account needs its department code")
        if department_code and department_code not in self.department_codes:
            raise InvalidInput("department", f"unknown department code '{department_code}'")
        row = StaffUser(
            username=username,
            password_hash=self._hash(password),
            display_name=display_name,
            role=role,
            department_code=department_code,
            active=True,
            failed_logins=0,
            created_at=self.clock(),
        )
        with self.db.writing() as uow:
            if not uow.accounts.add_staff(row):
                raise InvalidInput("username", f"'{username}' is taken")
            info = snapshot(StaffInfo, row)
        log.info("staff account created id=%s role=%s", info.id, role)
        return info

    def all(self, actor: Actor | None = None) -> list[StaffInfo]:
        """Every account, by username."""
        _require(actor)
        with self.db.reading() as uow:
            return [snapshot(StaffInfo, row) for row in uow.accounts.all_staff()]

    def set_password(self, username: str, password: str, actor: Actor | None = None) -> StaffInfo:
        """Replace the password and end the account's sessions; also lifts a lock (the administrator
        vouches for the person)."""
        _require(actor)
        digest = self._hash(password)
        with self.db.writing() as uow:
            row = _locked(uow, username)
            row.password_hash, row.failed_logins, row.locked_until = digest, 0, None
            uow.accounts.end_sessions_of(row.id, self.clock(), PASSWORD)
            return snapshot(StaffInfo, row)

    def set_active(self, username: str, active: bool, actor: Actor | None = None) -> StaffInfo:
        """Deactivate (its sessions end, for good) or reactivate an account."""
        _require(actor)
        with self.db.writing() as uow:
            row = _locked(uow, username)
            if (
                not active
                and row.role == "admin"
                and row.active
                and not uow.accounts.other_active_admins(row.id)
            ):
                raise InvalidInput("username", "the last active admin cannot be deactivated")
            row.active = active
            if active:
                row.failed_logins, row.locked_until = 0, None
            else:
                uow.accounts.end_sessions_of(row.id, self.clock(), DEACTIVATED)
            return snapshot(StaffInfo, row)

    def deactivate(self, username: str, actor: Actor | None = None) -> StaffInfo:
        """Stop an account from logging in; it stays listed."""
        return self.set_active(username, False, actor)

    def get(self, user_id: int) -> StaffInfo | None:
        """An active account by id, or None."""
        with self.db.reading() as uow:
            row = uow.accounts.staff(user_id)
            return snapshot(StaffInfo, row) if row is not None and row.active else None

    # ---- logging in ---------------------------------------------------------------------------

    def address_blocked(self, address: str | None) -> bool:
        """Whether logins from this address are refused for now: it failed max_address_failures times
        within the lock window. Without an address (not over TCP, or a proxy that passes none) nothing
        is counted; the accounts' own locks still hold."""
        key = client_key(address)
        return key is not None and self.lockout.address_blocked(key)

    def authenticate(self, username: str, password: str, address: str | None = None) -> StaffInfo | None:
        """The account for these credentials, or None; callers must not say which part was wrong.

        Unknown users, inactive and locked accounts cost one hash check like a real one, so the time
        taken does not tell them apart either. Every failure counts against the address it came from.
        """
        info = self._authenticate(username, password)
        key = client_key(address)
        if info is None and key is not None:
            self.lockout.address_failed(key)
        return info

    def _authenticate(self, username: str, password: str) -> StaffInfo | None:
        now = self.clock()
        key = username.strip().lower()
        attempt = self.lockout.reserve(key, now) if len(key) <= 32 else None
        if attempt is None:  # unknown, inactive or locked: the same cost, and the same answer
            self.hasher.verify(self._dummy_hash(), password)
            return None
        if not self.hasher.verify(attempt.password_hash, password):
            self.lockout.failed(attempt)
            return None
        with self.db.writing() as uow:
            user = uow.accounts.staff(attempt.user_id, for_update=True)
            # Deactivated or given a new password while this one was being checked: no login.
            if user is None or not user.active or user.password_hash != attempt.password_hash:
                return None
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            return snapshot(StaffInfo, user)

    # ---- sessions -----------------------------------------------------------------------------

    def start_session(self, info: StaffInfo, user_agent: str | None, address: str | None) -> str:
        """A new session for a logged-in account; the id is for the cookie and is never stored."""
        return self.sessions.start(info.id, user_agent, address)

    def session_staff(self, session_id: str) -> StaffInfo | None:
        """The account of a live session (checked in the database on every call), or None."""
        return self.sessions.account(session_id)

    def end_session(self, session_id: str) -> None:
        """Log out: the session is refused from now on, by every instance."""
        self.sessions.end(session_id, LOGOUT)

    def _hash(self, password: str) -> str:
        check_password(password)
        return self.hasher.hash(password)

    def _dummy_hash(self) -> str:
        with self._dummy_lock:
            if self._dummy is None:
                self._dummy = self.hasher.hash("not-a-password-of-anyone")
            return self._dummy


def _locked(uow: UnitOfWork, username: str) -> StaffUser:
    """An account by username, locked for the transaction, or NotFound."""
    row = uow.accounts.staff_for_update(username.strip().lower())
    if row is None:
        raise NotFound(f"account {username} not found")
    return row


def _require(actor: Actor | None) -> None:
    # The command line acts without an actor: whoever runs it already holds the server.
    if actor is not None and not actor.can(MANAGE):
        raise Forbidden(f"role '{actor.role}' may not manage staff accounts")

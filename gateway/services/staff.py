"""Staff accounts of the consoles: create, list, change passwords, deactivate, log in with lockout,
and their sessions."""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from gateway.domain.access import HUMAN_ROLES, Actor
from gateway.domain.clock import Clock, utcnow
from gateway.domain.errors import Forbidden, InvalidInput, NotFound
from gateway.persistence.db import Database
from gateway.persistence.user_models import LoginFailure, StaffUser
from gateway.services.staff_sessions import (
    DEACTIVATED,
    LOGOUT,
    PASSWORD,
    SESSION_HOURS,
    SessionStore,
    end_all,
)

log = logging.getLogger(__name__)

MANAGE = "keys:manage"  # the admin permission over credentials: API keys and staff accounts alike
HASH_METHOD = "scrypt"
MIN_PASSWORD = 8
MAX_PASSWORD = 128
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")


@dataclass(frozen=True)
class StaffInfo:
    """An account as shown and as a console request sees it (never the hash itself)."""

    id: int
    username: str
    display_name: str
    role: str
    department_code: str | None
    active: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None

    def actor(self) -> Actor:
        """The actor the services see for this person."""
        return Actor(
            name=f"{self.display_name}[{self.username}]", role=self.role, department_code=self.department_code
        )


class PasswordHasher(Protocol):
    """Makes and checks slow password hashes."""

    def hash(self, password: str) -> str: ...

    def verify(self, stored: str, password: str) -> bool: ...


class ScryptHasher:
    """werkzeug's scrypt hashes (HASH_METHOD, read at each call)."""

    def hash(self, password: str) -> str:
        """A new salted hash of the password."""
        return generate_password_hash(password, method=HASH_METHOD)

    def verify(self, stored: str, password: str) -> bool:
        """Whether the password is the one the hash was made of."""
        return check_password_hash(stored, password)


class _Attempt(NamedTuple):
    user_id: int
    failures: int  # counting this attempt
    password_hash: str


class StaffService:
    """Accounts, logins and sessions. Failed logins lock an account for a while, doubling with each further
    failure; an address with too many failed logins within the lock window (password spraying across
    accounts, which no account's own lock notices) is refused until its failures age out of it."""

    def __init__(
        self,
        db: Database,
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
        self.max_failures = max_failures
        self.lock = timedelta(minutes=lock_minutes)
        self.max_lock = timedelta(hours=max_lock_hours)
        self.max_address_failures = max_address_failures
        self.hasher: PasswordHasher = hasher or ScryptHasher()
        self.sessions = SessionStore(db, clock, session_hours)
        self._dummy: str | None = None
        self._dummy_lock = threading.Lock()

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
        username = _username(username)
        display_name = display_name.strip()
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
        try:
            with self.db.unit_of_work() as session:
                if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
                    raise InvalidInput("username", f"'{username}' is taken")
                session.add(row)
                session.flush()
                info = _info(row)
        except IntegrityError:
            raise InvalidInput("username", f"'{username}' is taken") from None
        log.info("staff account created id=%s role=%s", info.id, role)
        return info

    def all(self, actor: Actor | None = None) -> list[StaffInfo]:
        """Every account, by username."""
        _require(actor)
        with self.db.read() as session:
            return [_info(r) for r in session.scalars(select(StaffUser).order_by(StaffUser.username))]

    def set_password(self, username: str, password: str, actor: Actor | None = None) -> StaffInfo:
        """Replace the password and end the account's sessions; also lifts a lock (the administrator
        vouches for the person)."""
        _require(actor)
        digest = self._hash(password)
        with self.db.unit_of_work() as session:
            row = self._row(session, username)
            row.password_hash, row.failed_logins, row.locked_until = digest, 0, None
            end_all(session, row.id, self.clock(), PASSWORD)
            return _info(row)

    def set_active(self, username: str, active: bool, actor: Actor | None = None) -> StaffInfo:
        """Deactivate (its sessions end, for good) or reactivate an account."""
        _require(actor)
        with self.db.unit_of_work() as session:
            row = self._row(session, username)
            if not active and row.role == "admin" and row.active:
                others = session.scalar(
                    select(func.count())
                    .select_from(StaffUser)
                    .where(StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != row.id)
                )
                if not others:
                    raise InvalidInput("username", "the last active admin cannot be deactivated")
            row.active = active
            if active:
                row.failed_logins, row.locked_until = 0, None
            else:
                end_all(session, row.id, self.clock(), DEACTIVATED)
            return _info(row)

    def deactivate(self, username: str, actor: Actor | None = None) -> StaffInfo:
        """Stop an account from logging in; it stays listed."""
        return self.set_active(username, False, actor)

    # ---- logging in ---------------------------------------------------------------------------

    def address_blocked(self, address: str | None) -> bool:
        """Whether logins from this address are refused for now: it failed max_address_failures times
        within the lock window. Without an address (not over TCP, or a proxy that passes none) nothing
        is counted; the accounts' own locks still hold."""
        key = client_key(address)
        if key is None:
            return False
        with self.db.read() as session:
            return self._address_failures(session, key) >= self.max_address_failures

    def authenticate(self, username: str, password: str, address: str | None = None) -> StaffInfo | None:
        """The account for these credentials, or None; callers must not say which part was wrong.

        Unknown users, inactive and locked accounts cost one hash check like a real one, so the time
        taken does not tell them apart either. Every failure counts against the address it came from.
        """
        info = self._authenticate(username, password)
        key = client_key(address)
        if info is None and key is not None:
            self._address_failed(key)
        return info

    def _authenticate(self, username: str, password: str) -> StaffInfo | None:
        now = self.clock()
        key = username.strip().lower()
        attempt = self._reserve(key, now) if len(key) <= 32 else None
        if attempt is None:  # unknown, inactive or locked: the same cost, and the same answer
            self.hasher.verify(self._dummy_hash(), password)
            return None
        if not self.hasher.verify(attempt.password_hash, password):
            if attempt.failures >= self.max_failures:
                log.warning(
                    "staff account %s locked after %s failed logins", attempt.user_id, attempt.failures
                )
            return None
        with self.db.unit_of_work() as session:
            user = session.get(StaffUser, attempt.user_id, with_for_update=True)
            # Deactivated or given a new password while this one was being checked: no login.
            if user is None or not user.active or user.password_hash != attempt.password_hash:
                return None
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            return _info(user)

    def _reserve(self, username: str, now: datetime) -> _Attempt | None:
        """Count the attempt as a failure before its password is checked, in one conditional UPDATE, and
        lock the account in the same transaction when that reaches the threshold: however many attempts
        arrive at once, at most max_failures passwords are checked before the lock (one more each time
        it ends). A right password then clears the count. None: no active, unlocked account."""
        with self.db.unit_of_work() as session:
            row = session.execute(
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
            if row is None:
                return None
            attempt = _Attempt(*row)
            beyond = attempt.failures - self.max_failures
            if beyond >= 0:
                # 15 minutes at the threshold, doubling with every failure after it, up to max_lock.
                until = now + min(self.lock * 2 ** min(beyond, 16), self.max_lock)
                session.execute(
                    update(StaffUser)
                    .where(StaffUser.id == attempt.user_id)
                    .values(locked_until=until)
                    .execution_options(synchronize_session=False)
                )
        return attempt

    def _address_failed(self, address: str) -> None:
        now = self.clock()
        with self.db.unit_of_work() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.lock))  # aged out
            session.add(LoginFailure(address=address, at=now))
            failures = self._address_failures(session, address)
        if failures == self.max_address_failures:
            log.warning("console logins from %s refused after %s failures", address, failures)

    def _address_failures(self, session: Session, address: str) -> int:
        """Failed logins from the address within the lock window."""
        since = self.clock() - self.lock
        query = select(func.count()).select_from(LoginFailure)
        return session.scalar(query.where(LoginFailure.address == address, LoginFailure.at > since)) or 0

    def get(self, user_id: int) -> StaffInfo | None:
        """An active account by id, or None."""
        with self.db.read() as session:
            row = session.get(StaffUser, user_id)
            return _info(row) if row is not None and row.active else None

    # ---- sessions -----------------------------------------------------------------------------

    def start_session(self, info: StaffInfo, user_agent: str | None, address: str | None) -> str:
        """A new session for a logged-in account; the id is for the cookie and is never stored."""
        return self.sessions.start(info.id, user_agent, address)

    def session_staff(self, session_id: str) -> StaffInfo | None:
        """The account of a live session (checked in the database on every call), or None."""
        row = self.sessions.account(session_id)
        return _info(row) if row is not None else None

    def end_session(self, session_id: str) -> None:
        """Log out: the session is refused from now on, by every instance."""
        self.sessions.end(session_id, LOGOUT)

    def _hash(self, password: str) -> str:
        _check_password(password)
        return self.hasher.hash(password)

    def _dummy_hash(self) -> str:
        with self._dummy_lock:
            if self._dummy is None:
                self._dummy = self.hasher.hash("not-a-password-of-anyone")
            return self._dummy

    @staticmethod
    def _row(session: Session, username: str) -> StaffUser:
        row = session.scalar(
            select(StaffUser).where(StaffUser.username == username.strip().lower()).with_for_update()
        )
        if row is None:
            raise NotFound(f"account {username} not found")
        return row


def _require(actor: Actor | None) -> None:
    # The command line acts without an actor: whoever runs it already holds the server.
    if actor is not None and not actor.can(MANAGE):
        raise Forbidden(f"role '{actor.role}' may not manage staff accounts")


def _username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            "username", "2-32 characters: letters, digits, '_', '.', '-', starting with a letter or digit"
        )
    return name


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput("password", f"must be {MIN_PASSWORD}-{MAX_PASSWORD} characters")
    if len(set(password)) < 4:
        raise InvalidInput("password", "too simple: use at least 4 different characters")


def _info(row: StaffUser) -> StaffInfo:
    return StaffInfo(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        department_code=row.department_code,
        active=row.active,
        failed_logins=row.failed_logins,
        locked_until=row.locked_until,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def client_key(address: str | None) -> str | None:
    """What failed logins are counted under: an IPv4 address (also one mapped into IPv6), an IPv6
    client's /64 (one subscriber's network: a new address per attempt must not start afresh), or the
    text itself, cut to 64 characters, if it is no IP address."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)

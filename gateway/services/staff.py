"""Staff accounts of the consoles: create, list, change passwords, deactivate, and log in with lockout."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from gateway.domain.access import HUMAN_ROLES, Actor
from gateway.domain.errors import Forbidden, InvalidInput, NotFound
from gateway.persistence.db import Database
from gateway.persistence.user_models import LoginFailure, StaffUser
from gateway.services.inquiries import Clock, utcnow

log = logging.getLogger(__name__)

MANAGE = "keys:manage"  # the admin permission over credentials: API keys and staff accounts alike
HASH_METHOD = "scrypt"
MIN_PASSWORD = 8
MAX_PASSWORD = 128
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")


@dataclass(frozen=True)
class StaffInfo:
    """An account as shown and as a session remembers it (never the hash itself)."""

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
    password_version: str  # changes with the password: sessions made before a change stop working

    def actor(self) -> Actor:
        """The actor the services see for this person."""
        return Actor(
            name=f"{self.display_name}[{self.username}]", role=self.role, department_code=self.department_code
        )


class StaffService:
    """Accounts and logins. Failed logins lock an account for a while, doubling with each further failure;
    an address with too many failed logins within the lock window (password spraying across accounts,
    which no account's own lock notices) is refused until its failures age out of it."""

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
    ) -> None:
        self.db = db
        self.department_codes = department_codes
        self.clock = clock
        self.max_failures = max_failures
        self.lock = timedelta(minutes=lock_minutes)
        self.max_lock = timedelta(hours=max_lock_hours)
        self.max_address_failures = max_address_failures
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
            password_hash=_hash(password),
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
        """Replace the password; also lifts a lock (the administrator vouches for the person)."""
        _require(actor)
        digest = _hash(password)
        with self.db.unit_of_work() as session:
            row = self._row(session, username)
            row.password_hash, row.failed_logins, row.locked_until = digest, 0, None
            return _info(row)

    def set_active(self, username: str, active: bool, actor: Actor | None = None) -> StaffInfo:
        """Deactivate (sessions end at their next request) or reactivate an account."""
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
        with self.db.read() as session:
            row = (
                session.scalar(select(StaffUser).where(StaffUser.username == key)) if len(key) <= 32 else None
            )
            found = _info(row) if row is not None else None
            stored = row.password_hash if row is not None else None
        if (
            found is None
            or stored is None
            or not found.active
            or (found.locked_until and found.locked_until > now)
        ):
            check_password_hash(self._dummy_hash(), password)
            if found is not None and found.active:
                log.info("login refused: account %s locked", found.id)
            return None
        if not check_password_hash(stored, password):
            self._failed(found.id, now)
            return None
        with self.db.unit_of_work() as session:
            user = session.get(StaffUser, found.id)
            if user is None or not user.active:
                return None
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            return _info(user)

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

    def _failed(self, user_id: int, now: datetime) -> None:
        with self.db.unit_of_work() as session:
            user = session.get(StaffUser, user_id)
            if user is None:
                return
            user.failed_logins += 1
            beyond = user.failed_logins - self.max_failures
            if beyond >= 0:
                # 15 minutes at the threshold, doubling with every failure after it, up to max_lock.
                user.locked_until = now + min(self.lock * 2 ** min(beyond, 16), self.max_lock)
                log.warning("staff account %s locked after %s failed logins", user.id, user.failed_logins)

    def get(self, user_id: int) -> StaffInfo | None:
        """An active account by id (what a session holds), or None."""
        with self.db.read() as session:
            row = session.get(StaffUser, user_id)
            return _info(row) if row is not None and row.active else None

    def _dummy_hash(self) -> str:
        with self._dummy_lock:
            if self._dummy is None:
                self._dummy = generate_password_hash("not-a-password-of-anyone", method=HASH_METHOD)
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


def _hash(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput("password", f"must be {MIN_PASSWORD}-{MAX_PASSWORD} characters")
    if len(set(password)) < 4:
        raise InvalidInput("password", "too simple: use at least 4 different characters")
    return generate_password_hash(password, method=HASH_METHOD)


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
        password_version=hashlib.sha256(row.password_hash.encode()).hexdigest()[:16],
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

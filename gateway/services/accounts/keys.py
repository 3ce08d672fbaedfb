"""API keys: issued once in clear, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from gateway.domain.access import ROLES, Actor
from gateway.domain.clock import Clock, utcnow
from gateway.domain.errors import InvalidInput, NotFound
from gateway.persistence.models import ApiKey
from gateway.services.accounts.snapshots import KeyInfo, snapshot
from gateway.services.ports import Transactions

KEY_PREFIX = "gw_"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class KeyService:
    """Create, list, revoke and check API keys."""

    def __init__(
        self,
        db: Transactions,
        department_codes: frozenset[str],
        clock: Clock = utcnow,
        cache_seconds: float = 10.0,
    ) -> None:
        self.db = db
        self.department_codes = department_codes
        self.clock = clock
        # Checked keys are remembered briefly, so a busy caller does not cost a query per request.
        # A key revoked on another host stops working within cache_seconds; on this host at once.
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[Actor, float]] = {}
        self._lock = threading.Lock()

    def create(self, name: str, role: str, department_code: str | None = None) -> tuple[KeyInfo, str]:
        """A new key; the clear text is returned once and never stored."""
        if role not in ROLES:
            raise InvalidInput("role", f"must be one of: {', '.join(ROLES)}")
        if role == "department" and not department_code:
            raise InvalidInput("department", "a department key needs its department code")
        if department_code and department_code not in self.department_codes:
            raise InvalidInput("department", f"unknown department code '{department_code}'")
        if not name.strip():
            raise InvalidInput("name", "must not be empty")
        clear = KEY_PREFIX + secrets.token_urlsafe(32)
        row = ApiKey(
            name=name.strip(),
            role=role,
            department_code=department_code,
            prefix=clear[: len(KEY_PREFIX) + 6],
            key_hash=_digest(clear),
            created_at=self.clock(),
        )
        with self.db.writing() as uow:
            uow.accounts.add_key(row)
            return snapshot(KeyInfo, row), clear

    def authenticate(self, clear: str) -> Actor | None:
        """The actor a presented key belongs to, or None if it is unknown or revoked."""
        if not clear.startswith(KEY_PREFIX) or len(clear) > 200:
            return None
        digest = _digest(clear)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(digest)
        if cached is not None and cached[1] > now:
            return cached[0]
        with self.db.reading() as uow:
            row = uow.accounts.key_by_hash(digest)
            if row is None or row.revoked_at is not None:
                return None
            actor = Actor(name=row.name, role=row.role, department_code=row.department_code)
        with self._lock:
            if len(self._cache) >= 4096:
                self._cache.clear()
            self._cache[digest] = (actor, now + self.cache_seconds)
        return actor

    def all(self) -> list[KeyInfo]:
        """Every key, oldest first."""
        with self.db.reading() as uow:
            return [snapshot(KeyInfo, row) for row in uow.accounts.all_keys()]

    def revoke(self, key_id: int) -> KeyInfo:
        """Stop a key from working; it stays listed."""
        with self.db.writing() as uow:
            row = uow.accounts.key(key_id)
            if row is None:
                raise NotFound(f"key {key_id} not found")
            if row.revoked_at is None:
                row.revoked_at = self.clock()
            with self._lock:
                self._cache.pop(row.key_hash, None)
            return snapshot(KeyInfo, row)

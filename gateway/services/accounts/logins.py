"""Console login lockout: failed logins lock an account for a while, doubling with each further failure,
and an address with too many failed logins across accounts is refused until they age out."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway.domain.clock import Clock
from gateway.persistence.repositories.accounts import Attempt
from gateway.services.ports import Transactions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lockout:
    """Counts failed logins per account and per address, and says which are refused for now: an account
    is locked for `lock` at max_failures, twice as long with each further failure up to `max_lock`; an
    address with max_address_failures within `lock` is refused until they age out."""

    db: Transactions
    clock: Clock
    max_failures: int
    lock: timedelta
    max_lock: timedelta
    max_address_failures: int

    def reserve(self, username: str, now: datetime) -> Attempt | None:
        """Count the attempt as a failure before its password is checked, in one conditional UPDATE, and
        lock the account in the same transaction when that reaches the threshold: however many attempts
        arrive at once, at most max_failures passwords are checked before the lock (one more each time
        it ends). A right password then clears the count. None: no active, unlocked account."""
        with self.db.writing() as uow:
            attempt = uow.accounts.count_attempt(username, now)
            if attempt is None:
                return None
            beyond = attempt.failures - self.max_failures
            if beyond >= 0:
                # 15 minutes at the threshold, doubling with every failure after it, up to max_lock.
                uow.accounts.lock_staff(
                    attempt.user_id, now + min(self.lock * 2 ** min(beyond, 16), self.max_lock)
                )
        return attempt

    def failed(self, attempt: Attempt) -> None:
        """Log a lock that a wrong password brought."""
        if attempt.failures >= self.max_failures:
            log.warning("staff account %s locked after %s failed logins", attempt.user_id, attempt.failures)

    def address_blocked(self, key: str) -> bool:
        """Whether an address (its client_key) failed max_address_failures times within the lock window."""
        with self.db.reading() as uow:
            return uow.accounts.login_failures(key, self.clock() - self.lock) >= self.max_address_failures

    def address_failed(self, key: str) -> None:
        """Count a failed login against an address (its client_key)."""
        now = self.clock()
        with self.db.writing() as uow:
            uow.accounts.add_login_failure(key, now, forget_before=now - self.lock)
            failures = uow.accounts.login_failures(key, self.clock() - self.lock)
        if failures == self.max_address_failures:
            log.warning("console logins from %s refused after %s failures", key, failures)


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

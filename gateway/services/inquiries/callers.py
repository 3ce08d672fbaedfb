"""Keeping the caller index (重复来电) whole: keys for inquiries stored before it (migration 0010) or
under an earlier secret. Intake keys every new inquiry itself."""

from __future__ import annotations

from gateway.domain.caller_keys import CallerKeys
from gateway.domain.errors import InvalidInput
from gateway.services.ports import Transactions

BATCH = 1000


def rekey(db: Transactions, keys: CallerKeys, *, every: bool = False, batch: int = BATCH) -> int:
    """Key the inquiries that lack a key (``every``: all of them, after the secret changed), one batch
    per transaction so that a long run holds no lock for long; returns how many were keyed."""
    if not keys.enabled:
        raise InvalidInput("GATEWAY_CALLER_KEY_SECRET", "not set: there is no key to write")
    done, after = 0, 0
    while True:
        with db.writing() as uow:
            found = uow.callers.numbers(after, batch, every=every)
            uow.callers.set_keys([(i, keys.phone(phone), keys.id_number(id_no)) for i, phone, id_no in found])
        if not found:
            return done
        done, after = done + len(found), found[-1][0]

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from gateway.persistence.user_models import StaffUser
from gateway.services.accounts import ScryptHasher, StaffService
from tests.conftest import on_both
from tests.web.conftest import csrf_of, flashes, login
from tests.web.seed import PASSWORD

GENERIC = "登录失败：用户名或密码错误；多次失败后账户将被暂时锁定，请稍后再试。"
RACERS = 16


class CountingHasher:
    """The real scrypt hasher, counting each check per stored hash and holding it a moment, so that
    parallel attempts overlap the way slow hashing makes them overlap in production."""

    def __init__(self, hold_seconds: float = 0.05) -> None:
        self.inner = ScryptHasher()
        self.hold = hold_seconds
        self.checks: Counter[str] = Counter()
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        with self._lock:
            self.checks[stored] += 1
        time.sleep(self.hold)
        return self.inner.verify(stored, password)


def counting(app: Flask) -> CountingHasher:
    """Give the app's login a counting hasher (the same service otherwise)."""
    hasher = CountingHasher()
    console = app.extensions["console"]
    old = console.staff
    staff = StaffService(
        old.db,
        old.department_codes,
        old.clock,
        hasher=hasher,
        max_address_failures=old.max_address_failures,
    )
    app.extensions["console"] = dataclasses.replace(console, staff=staff)
    return hasher


def stored_hash(app: Flask, username: str) -> str:
    with app.extensions["gateway"].db.read() as session:
        return str(session.scalar(select(StaffUser.password_hash).where(StaffUser.username == username)))


def race_wrong_passwords(app: Flask, username: str) -> list[Any]:
    """RACERS browsers sending a wrong password for one account at the same moment."""
    clients = [app.test_client() for _ in range(RACERS)]
    tokens = [csrf_of(c) for c in clients]
    start = threading.Barrier(RACERS)
    responses: list[Any] = [None] * RACERS

    def attempt(n: int) -> None:
        start.wait()
        responses[n] = clients[n].post(
            "/console/login",
            data={"username": username, "password": f"wrong-guess-{n}", "csrf_token": tokens[n]},
        )

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return responses


def assert_at_most_five_checks_then_locked(app: Flask, clock: Any) -> None:
    hasher = counting(app)
    real = stored_hash(app, "op01")
    responses = race_wrong_passwords(app, "op01")
    for response in responses:
        assert response is not None and response.status_code == 401
        assert flashes(response.text) == [GENERIC]
    assert hasher.checks[real] == 5, hasher.checks  # never more than five checks of the real password
    info = app.extensions["console"].staff.get(1)
    assert info.failed_logins == 5 and info.locked_until == clock.now + timedelta(minutes=15)
    refused = login(app.test_client(), "op01", PASSWORD)  # even the right one, while locked
    assert refused.status_code == 401 and hasher.checks[real] == 5
    clock.advance(minutes=16)
    assert login(app.test_client(), "op01", PASSWORD).status_code == 302
    after = app.extensions["console"].staff.get(1)
    assert after.failed_logins == 0 and after.locked_until is None


@on_both
def test_parallel_wrong_passwords_run_at_most_five_checks_then_lock(app, accounts, clock):
    assert_at_most_five_checks_then_locked(app, clock)


def test_after_a_lock_ends_parallel_attempts_get_one_check_before_the_longer_lock(app, accounts, clock):
    hasher = counting(app)
    real = stored_hash(app, "op01")
    for _ in range(5):
        assert login(app.test_client(), "op01", "wrong-password").status_code == 401
    clock.advance(minutes=16)
    race_wrong_passwords(app, "op01")
    assert hasher.checks[real] == 6
    info = app.extensions["console"].staff.get(1)
    assert info.failed_logins == 6 and info.locked_until == clock.now + timedelta(minutes=30)


def test_a_check_of_the_old_password_still_running_when_it_is_changed_does_not_log_in(app, accounts):
    staff: StaffService = app.extensions["console"].staff

    class ChangedMeanwhile(ScryptHasher):
        def verify(self, stored: str, password: str) -> bool:
            staff.set_password("op01", "another-pass-1")  # an administrator resets it during the check
            return super().verify(stored, password)

    racing = StaffService(staff.db, staff.department_codes, staff.clock, hasher=ChangedMeanwhile())
    assert racing.authenticate("op01", PASSWORD) is None
    assert staff.authenticate("op01", "another-pass-1") is not None

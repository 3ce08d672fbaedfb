"""pages_apart: a listing read in a child process arrives in order, errors cross over, and the child
never outlives the caller's interest."""

from __future__ import annotations

import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import pytest

from adapters.base import apart
from adapters.base.apart import ReadFailed, pages_apart
from gateway.domain.errors import UpstreamError

# The factories run in a spawned child: module-level, so that the child can import them.


class Stubborn(Exception):
    """An exception that does not survive pickling (its __init__ takes a keyword-only argument)."""

    def __init__(self, *, number: int) -> None:
        super().__init__(f"page {number} unreadable")


class Listing:
    def __init__(self, count: int, size: int = 10, fail_at: int | None = None, error: str = "upstream"):
        self.count, self.size, self.fail_at, self.error = count, size, fail_at, error

    def iter_pages(self, *, start: int):
        for number in range(start, start + self.count):
            if number == self.fail_at:
                if self.error == "upstream":
                    raise UpstreamError("catalog_source", "list_items answered HTTP 503", retryable=True)
                if self.error == "exit":
                    os._exit(3)
                if self.error == "stubborn":
                    raise Stubborn(number=number)
                raise ValueError(f"page {number} unreadable")
            logging.getLogger("gateway.adapters.test").warning("record skipped in page %d", number)
            yield {"number": number, "pid": os.getpid(), "body": "事" * self.size}


def listing(count: int, size: int = 10, fail_at: int | None = None, error: str = "upstream") -> Listing:
    return Listing(count, size, fail_at, error)


class Awkward:
    """Pages that go wrong in the ways a pipe can: a page that does not pickle, a child killed while
    the caller is still busy with the page before."""

    def __init__(self, how: str) -> None:
        self.how = how

    def iter_pages(self):
        yield {"number": 0, "body": "x" * 2_000_000}
        if self.how == "unpicklable":
            yield {"number": 1, "lock": threading.Lock()}
        elif self.how == "killed":
            time.sleep(0.5)
            os.kill(os.getpid(), signal.SIGKILL)
        yield {"number": 2}


def awkward(how: str) -> Awkward:
    return Awkward(how)


@pytest.fixture
def deadline():
    """A hang fails the test instead of the run."""
    signal.signal(signal.SIGALRM, signal.default_int_handler)
    signal.alarm(30)
    yield
    signal.alarm(0)


def test_pages_come_in_order_from_another_process(capfd):
    pages = list(pages_apart(partial(listing, 5), start=10))
    logged = capfd.readouterr().err
    assert "WARNING gateway.adapters.test record skipped in page 14" in logged  # the child's own log
    assert [p["number"] for p in pages] == [10, 11, 12, 13, 14]
    assert {p["pid"] for p in pages} != {os.getpid()} and len({p["pid"] for p in pages}) == 1
    assert pages[0]["body"] == "事" * 10


def test_an_upstream_error_crosses_over_whole():
    pages = pages_apart(partial(listing, 5, fail_at=2), start=0)
    got = [next(pages)["number"], next(pages)["number"]]
    with pytest.raises(UpstreamError, match=r"^catalog_source: list_items answered HTTP 503$") as raised:
        next(pages)
    assert got == [0, 1]
    assert (raised.value.system, raised.value.retryable, raised.value.status) == (
        "catalog_source",
        True,
        None,
    )


def test_an_error_the_child_cannot_pickle_arrives_named():
    with pytest.raises(ReadFailed, match=r"^Stubborn: page 1 unreadable$"):
        list(pages_apart(partial(listing, 5, fail_at=1, error="stubborn"), start=0))


def test_an_error_that_pickles_is_raised_as_itself():
    with pytest.raises(ValueError, match="page 1 unreadable"):
        list(pages_apart(partial(listing, 5, fail_at=1, error="value"), start=0))


def test_a_child_that_dies_without_a_word_is_reported():
    with pytest.raises(ReadFailed, match=r"exit code 3\)"):
        list(pages_apart(partial(listing, 5, fail_at=0, error="exit"), start=0))


def test_closing_early_stops_a_child_blocked_on_big_pages(monkeypatch):
    started = []
    real = apart.multiprocessing.get_context

    def recording(method):
        context = real(method)
        original = context.Process

        def process(*args, **kwargs):
            child = original(*args, **kwargs)
            started.append(child)
            return child

        monkeypatch.setattr(context, "Process", process)
        return context

    monkeypatch.setattr(apart.multiprocessing, "get_context", recording)
    pages = pages_apart(partial(listing, 1000, size=500_000), start=0)  # ~1.5 MB each: the pipe fills
    assert next(pages)["number"] == 0
    pages.close()
    assert len(started) == 1
    assert not started[0].is_alive()
    assert started[0].exitcode == 0  # it stopped by itself, not terminated


def test_a_page_that_does_not_pickle_fails_the_listing_instead_of_vanishing(deadline):
    pages = pages_apart(partial(awkward, "unpicklable"))
    assert next(pages)["number"] == 0
    with pytest.raises(TypeError, match="cannot pickle '_thread.lock' object"):  # the child's own error
        next(pages)


def test_a_child_killed_while_the_caller_is_busy_is_reported_not_waited_for(deadline):
    pages = pages_apart(partial(awkward, "killed"))
    assert next(pages)["number"] == 0
    time.sleep(1.5)  # busy with page 0 while the child dies
    with pytest.raises(ReadFailed, match=r"exit code -9\)"):
        next(pages)


def test_the_child_stops_when_its_caller_dies(tmp_path):
    script = (
        "import os, signal, sys, multiprocessing\n"
        "from functools import partial\n"
        "from adapters.base.apart import pages_apart\n"
        "from tests.unit.test_pages_apart import listing\n"
        "if __name__ == '__main__':\n"
        "    pages = pages_apart(partial(listing, 100, size=1_000_000), start=0)\n"
        "    next(pages)\n"
        "    print(multiprocessing.active_children()[0].pid, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", script]
    caller = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    assert caller.returncode == -signal.SIGKILL
    child = int(caller.stdout.split()[0])
    for _ in range(100):
        if not _running(child):
            break
        time.sleep(0.1)
    assert not _running(child)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has stopped (it waits only for init to reap it)


def test_upstream_errors_survive_pickling_with_their_details():
    from gateway.domain.errors import UpstreamTimeout

    for error in (
        UpstreamError("catalog_source", "HTTP 429", retryable=True, status=429, retry_after=3.0, body="忙"),
        UpstreamTimeout("hotline"),
    ):
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
        assert type(copy) is type(error) and str(copy) == str(error) and vars(copy) == vars(error)

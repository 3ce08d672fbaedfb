"""pages_apart: a listing read in a child process arrives in order, errors cross over, and the child
never outlives the caller's interest."""

from __future__ import annotations

import os
from functools import partial

import pytest

from adapters.base import apart
from adapters.base.apart import ReadFailed, pages_apart
from gateway.domain.errors import UpstreamError

# The factories run in a spawned child: module-level, so that the child can import them.


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
                raise ValueError(f"page {number} unreadable")
            yield {"number": number, "pid": os.getpid(), "body": "事" * self.size}


def listing(count: int, size: int = 10, fail_at: int | None = None, error: str = "upstream") -> Listing:
    return Listing(count, size, fail_at, error)


def test_pages_come_in_order_from_another_process():
    pages = list(pages_apart(partial(listing, 5), start=10))
    assert [p["number"] for p in pages] == [10, 11, 12, 13, 14]
    assert {p["pid"] for p in pages} != {os.getpid()} and len({p["pid"] for p in pages}) == 1
    assert pages[0]["body"] == "事" * 10


def test_an_error_the_child_cannot_pickle_arrives_named():
    pages = pages_apart(partial(listing, 5, fail_at=2), start=0)
    got = [next(pages)["number"], next(pages)["number"]]
    with pytest.raises(ReadFailed, match=r"^UpstreamError: catalog_source: list_items answered HTTP 503$"):
        next(pages)
    assert got == [0, 1]


def test_an_error_that_pickles_is_raised_as_itself():
    with pytest.raises(ValueError, match="page 1 unreadable"):
        list(pages_apart(partial(listing, 5, fail_at=1, error="value"), start=0))


def test_a_child_that_dies_without_a_word_is_reported():
    with pytest.raises(ReadFailed, match="exited with code 3"):
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

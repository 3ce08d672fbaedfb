"""A source's pages read in a child process: HTTP, JSON decoding and wire mapping off the caller's GIL.

A full catalog sync is bound by one interpreter's GIL: fetching, decoding and mapping a page (about
100 µs per record) takes turns with hashing and validating the previous one. Reading in a child
process puts that work on another core; pages come back pickled through a bounded queue (two pages
ahead at most, so memory still holds a few pages, never the listing).

The child is started with "spawn" (never fork: the caller may hold threads, database connections and
locks), builds its own source with `factory` (a picklable callable, e.g. a functools.partial of a
module-level function), and stops when the caller closes the generator, even mid-listing.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import queue
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger("gateway.adapters.apart")

T = TypeVar("T")
AHEAD = 2  # pages the child may read ahead of the caller
_POLL_S = 0.5


class ReadFailed(RuntimeError):
    """The child could not read the listing; the message names the child's error type and reason."""


def pages_apart(
    factory: Callable[[], Any], method: str = "iter_pages", /, **kwargs: Any
) -> Generator[Any, None, None]:
    """`factory().<method>(**kwargs)`'s items, read in a child process, in order.

    An exception in the child ends the iteration here with ReadFailed("<type>: <message>") (or the
    child's exception itself, where it survives pickling); a child that dies without a word raises
    ReadFailed with its exit code.
    """
    context = multiprocessing.get_context("spawn")
    pages: Any = context.Queue(maxsize=AHEAD)
    stop = context.Event()
    child = context.Process(
        target=_read, args=(factory, method, kwargs, pages, stop), name="pages-apart", daemon=True
    )
    child.start()
    try:
        while True:
            try:
                kind, value = pages.get(timeout=_POLL_S)
            except queue.Empty:
                if not child.is_alive():
                    raise ReadFailed(f"the reading process exited with code {child.exitcode}") from None
                continue
            if kind == "item":
                yield value
            elif kind == "end":
                return
            else:
                raise value
    finally:
        stop.set()
        deadline = time.monotonic() + 10
        while child.is_alive() and time.monotonic() < deadline:
            _drain(pages)  # what it sent meanwhile: a page half-written to the pipe holds it up
            child.join(timeout=0.1)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)
        pages.close()


def ahead(items: Iterator[T]) -> Generator[T, None, None]:
    """The same items, the next one produced on a thread while the caller works on the current one
    (worth it where producing waits on I/O, or where the GIL is otherwise free). Closing the generator
    waits for the item being produced, then stops."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ahead") as producer:
        upcoming = producer.submit(next, items, None)
        while (item := upcoming.result()) is not None:
            upcoming = producer.submit(next, items, None)
            yield item


def _read(
    factory: Callable[[], Any], method: str, kwargs: dict[str, Any], pages: Any, stop: Any
) -> None:  # pragma: no cover - runs in the child process (coverage of children is not collected)
    try:
        items: Iterable[Any] = getattr(factory(), method)(**kwargs)
        for item in items:
            while not stop.is_set() and not _put(pages, ("item", item)):
                pass
            if stop.is_set():
                break
        else:
            _put_until_stopped(pages, ("end", None), stop)
    except BaseException as err:  # noqa: BLE001 - every failure goes to the caller
        _put_until_stopped(pages, ("error", _portable(err)), stop)
    if stop.is_set():
        pages.cancel_join_thread()  # the caller is gone: exit without flushing what it will not read


def _put(pages: Any, message: tuple[str, Any]) -> bool:
    try:
        pages.put(message, timeout=_POLL_S)
    except queue.Full:
        return False
    return True


def _put_until_stopped(pages: Any, message: tuple[str, Any], stop: Any) -> None:
    while not stop.is_set() and not _put(pages, message):
        pass


def _portable(err: BaseException) -> BaseException:
    """The exception itself if it comes through pickling intact, else ReadFailed naming it."""
    try:
        copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes, a moment old
    except Exception:  # noqa: BLE001 - e.g. an __init__ with keyword-only arguments
        copy = None
    if type(copy) is type(err) and str(copy) == str(err):
        return err
    return ReadFailed(f"{type(err).__name__}: {err}")


def _drain(pages: Any) -> None:
    while True:
        try:
            pages.get_nowait()
        except (queue.Empty, OSError, ValueError):
            return

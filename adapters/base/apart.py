"""A source's pages read in a child process: HTTP, JSON decoding and wire mapping off the caller's GIL.

A full catalog sync is bound by one interpreter's GIL: fetching, decoding and mapping a page (about
100 µs per record) takes turns with hashing and validating the previous one. Reading in a child
process puts that work on another core; pages come back pickled through a pipe (the child at most a
page or two ahead, so memory still holds a few pages, never the listing).

The child is started with "spawn" (never fork: the caller may hold threads, database connections and
locks), builds its own source with `factory` (a picklable callable, e.g. a functools.partial of a
module-level function), and stops when the caller closes the generator (even mid-listing) or dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class ReadFailed(RuntimeError):
    """The child could not read the listing; the message names the child's error type and reason."""


def pages_apart(
    factory: Callable[[], Any], method: str = "iter_pages", /, **kwargs: Any
) -> Generator[Any, None, None]:
    """`factory().<method>(**kwargs)`'s items, read in a child process, in order.

    An exception in the child ends the iteration here with the child's exception where it survives
    pickling, else ReadFailed("<type>: <message>"); an item that cannot be pickled is such an
    exception too (never silently left out). A child that dies ends it with ReadFailed and the exit
    code. The caller's main module must be safe to import (`if __name__ == "__main__":`), as
    multiprocessing's spawn requires.
    """
    context = multiprocessing.get_context("spawn")
    # A one-way pipe, the child holding the only write end: its death (even mid-item) is an EOF
    # here, and the caller's (closing the read end) is a broken pipe there. A pickled page waits in
    # the pipe until it is read, so the child works at most one page ahead (plus its own read-ahead).
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_read, args=(factory, method, kwargs, writer), name="pages-apart", daemon=True
    )
    child.start()
    writer.close()
    try:
        while True:
            try:
                kind, value = reader.recv()
            except EOFError:
                child.join(timeout=5)
                raise ReadFailed(f"the reading process ended early (exit code {child.exitcode})") from None
            if kind == "item":
                yield value
            elif kind == "end":
                return
            else:
                raise value
    finally:
        reader.close()  # a child still sending gets a broken pipe and stops
        child.join(timeout=10)
        if child.is_alive():  # e.g. still waiting on an HTTP answer
            child.terminate()
            child.join(timeout=5)


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
    factory: Callable[[], Any], method: str, kwargs: dict[str, Any], writer: Any
) -> None:  # pragma: no cover - runs in the child process (coverage of children is not collected)
    # A spawned process starts without the caller's logging: the source's own lines (pages read,
    # records skipped) go to stderr in the gateway's format, as the caller's would.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        try:
            for item in getattr(factory(), method)(**kwargs):
                writer.send(("item", item))  # pickled before a byte is written: a failure is whole
            writer.send(("end", None))
        except (BrokenPipeError, ConnectionResetError):
            return  # the caller stopped reading (or is gone): nothing more to do
        except BaseException as err:  # noqa: BLE001 - every failure goes to the caller
            writer.send(("error", _portable(err)))
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        writer.close()


def _portable(err: BaseException) -> BaseException:
    """The exception itself if it comes through pickling intact, else ReadFailed naming it."""
    try:
        copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes, a moment old
    except Exception:  # noqa: BLE001 - e.g. an __init__ with keyword-only arguments
        copy = None
    if type(copy) is type(err) and str(copy) == str(err):
        return err
    return ReadFailed(f"{type(err).__name__}: {err}")

"""Delivery benchmark: drain N outbox rows into the 12345 simulator, against sending them directly.

    .venv/bin/python bench/delivery.py                          # sqlite and postgres, 10,000 rows
    .venv/bin/python bench/delivery.py --quick                  # smoke run: 2,000 rows, 1 round
    .venv/bin/python bench/delivery.py --backends postgres --rows 20000 --configs 100/8,200/16
    .venv/bin/python bench/delivery.py --backends sqlite --profile   # cProfile one drain, then exit

What is measured (see bench/delivery_README.md):

  delivery   the outbox (SQLite temp file / throwaway PostgreSQL database `gateway_bench_deliv_<pid>`,
             migrated with gateway.persistence.migrate.upgrade) is filled with --rows realistic
             `workorder.create` messages to the hotline via gateway.services.outbox.enqueue, then one
             gateway.delivery.worker.DeliveryWorker drains it (drain()) with the real HotlineClient over
             HttpClient(make_session()) (gateway.bootstrap.build_adapters) into the hotline simulator,
             which runs as a real HTTP server in a separate process.
  baseline   the same messages, through the same HotlineClient and a fresh session of the same kind,
             sent straight from a thread pool of the same concurrency: no database.
  ratio      delivery msg/s / baseline msg/s, baseline and delivery alternating round by round.

Keys: "distinct" is one message per inquiry (its own ordering key); "shared" is --per-key messages per
inquiry (workorder.create, then inquiry.status_changed for dispatch, acknowledge, reply, callback),
interleaved across inquiries the way a day's traffic is, so the worker may only claim the oldest
unsent message of each inquiry; the shared baseline sends each inquiry's chain in order from one task.

Every run is checked for exactly-once: the simulator saw exactly N POSTs (duplicates included), all
answered 200, N distinct idempotency keys, no repeats, every work order's feedback in order; every
outbox row is `sent` after exactly one attempt.

On PostgreSQL it also runs two workers (each its own Database/engine, HTTP session and process, as if on
two hosts) draining the same outbox at once.

Target: >= 500 msg/s with the config.yaml delivery policy and distinct keys, on every backend.
Exit status: 0 target met and exactly-once held, 1 a target or a check failed (the target is not
enforced with --quick; the checks always are), 2 the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import ctypes
import dataclasses
import io
import json
import logging
import math
import multiprocessing as mp
import os
import pstats
import queue
import random
import selectors
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from adapters.base.http import make_session  # noqa: E402
from adapters.base.port import OutboundMessage  # noqa: E402
from adapters.hotline import wire  # noqa: E402
from bench import harness  # noqa: E402
from bench.payloads import inquiry as random_inquiry  # noqa: E402
from gateway.bootstrap import build_adapters  # noqa: E402
from gateway.config import DEFAULT_CONFIG, DeliveryPolicy, Settings, load_settings  # noqa: E402
from gateway.delivery.worker import DeliveryWorker  # noqa: E402
from gateway.domain import messages  # noqa: E402
from gateway.domain.calendar import SHANGHAI  # noqa: E402
from gateway.domain.errors import UpstreamError  # noqa: E402
from gateway.persistence import migrate  # noqa: E402
from gateway.persistence.db import Database, make_engine  # noqa: E402
from gateway.persistence.models import OutboxMessage  # noqa: E402
from gateway.services import outbox  # noqa: E402

TARGET_MSG_S = 500.0
DB_PREFIX = "gateway_bench_deliv_"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"  # gateway/app.py's
FILL_CHUNK = 1000  # rows per enqueue transaction
# What the simulator records, per work order, for a shared-key chain (czlx of each 流转反馈).
FEEDBACK_CZLX = ("02", "01", "03", "06")


def _die_with_parent(parent: int) -> None:
    """In a child: get SIGTERM when the parent dies, even by SIGKILL; exit now if it already has."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


# ---- the simulator: adapters.hotline.create_simulator on a ServerThread, plus counters -----------


def simulator_app(index: bool = True) -> Any:
    """The hotline simulator, plus /_bench/stats and /_bench/reset (the simulator's own code untouched).

    With index, work orders are also found by wbbh through a dict: HotlineState.find_locked scans every
    work order for a wbbh, under the state lock, so a create costs O(work orders) and draining 10,000
    creates costs the simulator ~n^2/2 comparisons and caps the whole run (the real platform has an
    index). Same answers for this workload: wbbh is unique here and never changed after creation.
    """
    from flask import jsonify, request

    from adapters.hotline import create_simulator

    app = create_simulator()
    state = app.extensions["simulator"]
    if index:
        by_wbbh: dict[str, dict[str, Any]] = {}
        new_order, reset_state = state.new_work_order_locked, state.reset

        def new_work_order_locked(fields: dict[str, Any]) -> dict[str, Any]:
            order = new_order(fields)
            if order["wbbh"]:
                by_wbbh.setdefault(order["wbbh"], order)
            return order

        def find_locked(gdbh: str | None, wbbh: str | None) -> dict[str, Any] | None:
            if gdbh:
                return state.work_orders.get(gdbh)  # type: ignore[no-any-return]
            return by_wbbh.get(wbbh) if wbbh else None

        def reset() -> None:
            reset_state()
            with state.lock:
                by_wbbh.clear()

        state.new_work_order_locked, state.find_locked, state.reset = (
            new_work_order_locked,
            find_locked,
            reset,
        )
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    @app.after_request
    def count(response: Any) -> Any:
        if request.path.startswith("/api/"):
            with lock:
                counts[f"{request.method} {request.path} {response.status_code}"] += 1
        return response

    @app.get("/_bench/stats")
    def stats() -> Any:
        with state.lock:
            received = list(state.received)
            orders = list(state.work_orders.values())
            feedback = {gdbh: [e["czlx"] for e in entries] for gdbh, entries in state.feedback.items()}
        with lock:
            by_status = dict(counts)
        keys = Counter(r.idempotency_key for r in received)
        return jsonify(
            {
                "requests": by_status,
                "posts": sum(n for k, n in by_status.items() if k.startswith("POST ")),
                "non_2xx": sum(n for k, n in by_status.items() if not k.rsplit(" ", 1)[1].startswith("2")),
                "received": len(received),
                "duplicates": sum(1 for r in received if r.duplicate),
                "distinct_keys": len(keys),
                "repeated_keys": sum(1 for n in keys.values() if n > 1),
                "work_orders": len(orders),
                "distinct_wbbh": len({o["wbbh"] for o in orders}),
                "feedback": sum(len(v) for v in feedback.values()),
                "sequences": dict(Counter(",".join(v) for v in feedback.values())),
                "cpu_s": time.process_time(),
            }
        )

    @app.post("/_bench/reset")
    def reset() -> Any:
        state.reset()
        with lock:
            counts.clear()
        return jsonify({"reset": True})

    return app


def serve_simulator(parent: int, index: bool) -> None:
    """Child process: serve the simulator on a free port, print it, serve until SIGTERM."""
    _die_with_parent(parent)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log: the simulator is not measured
    from adapters.base.simulator import ServerThread

    server = ServerThread(simulator_app(index)).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"PORT {server.port}", flush=True)
    while not stop.wait(0.5):
        if os.getppid() != parent:
            break
    server.stop()


class Simulator:
    """The running simulator: its URL, control calls, and (out of process) its CPU time."""

    def __init__(self, mode: str, workdir: Path, index: bool) -> None:
        self.mode = mode
        self.proc: subprocess.Popen[bytes] | None = None
        self.thread_server: Any = None
        self.control = requests.Session()
        if mode == "process":
            log = (workdir / "simulator.log").open("ab")
            self.proc = subprocess.Popen(  # noqa: S603 - our own script
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--_simulator",
                    str(os.getpid()),
                    *([] if index else ["--sim-linear"]),
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
            log.close()
            port = self._read_port(self.proc)
            self.url = f"http://127.0.0.1:{port}"
        else:
            from adapters.base.simulator import ServerThread

            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            self.thread_server = ServerThread(simulator_app(index)).start()
            self.url = self.thread_server.url
        self.reset()

    @staticmethod
    def _read_port(proc: subprocess.Popen[bytes]) -> int:
        assert proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 30
        line = b""
        while time.monotonic() < deadline and not line.endswith(b"\n"):
            if proc.poll() is not None:
                break
            if sel.select(timeout=0.2):
                chunk = os.read(proc.stdout.fileno(), 64)
                if not chunk:
                    break
                line += chunk
        sel.close()
        if not line.startswith(b"PORT "):
            raise harness.BenchError(f"the simulator process did not start (got {line!r}); see simulator.log")
        return int(line.split()[1])

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def reset(self) -> None:
        self.control.post(f"{self.url}/_bench/reset", timeout=30).raise_for_status()

    def stats(self) -> dict[str, Any]:
        response = self.control.get(f"{self.url}/_bench/stats", timeout=60)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def close(self) -> None:
        self.control.close()
        if self.thread_server is not None:
            self.thread_server.stop()
            self.thread_server = None
        if self.proc is not None:
            _stop_process_group(self.proc)
            self.proc = None


def _stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    harness.stop(proc)
    if proc.stdout:
        proc.stdout.close()


# ---- backends ------------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    url: str
    info: str
    dbname: str | None = None  # PostgreSQL: whose backend processes' CPU to count
    cleanup: Callable[[], None] | None = None


def _migrate(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, revision)
    except Exception as err:  # noqa: BLE001 - a migration that fails here is not the benchmark's to fix
        raise harness.BenchError(
            f"gateway.persistence.migrate.upgrade(engine, {revision!r}) failed: {type(err).__name__}: "
            f"{str(err).splitlines()[0]} (--revision picks another; the outbox dates from 0001)"
        ) from None
    finally:
        engine.dispose()


def sqlite_backend(workdir: Path, revision: str = "head") -> Backend:
    url = f"sqlite:///{workdir / 'delivery.db'}"
    _migrate(url, revision)
    return Backend("sqlite", url, f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL), temp file")


def pg_backend(base_url: str, revision: str = "head") -> Backend:
    database = harness.throwaway_pg(base_url, DB_PREFIX)
    try:
        _migrate(database.url, revision)
    except BaseException:
        database.drop()
        raise
    return Backend("postgres", database.url, database.info, database.name, database.drop)


# ---- the workload --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Msg:
    """One outbox message as enqueued (and as the baseline sends it)."""

    event_type: str
    ordering_key: str
    payload: dict[str, Any]
    idempotency_key: str


@dataclass
class Workload:
    name: str  # "distinct" or "shared"
    per_key: int
    chains: list[list[Msg]]  # per inquiry, in order
    enqueue_order: list[Msg]

    @property
    def rows(self) -> int:
        return len(self.enqueue_order)

    @property
    def creates(self) -> int:
        return len(self.chains)

    def expected_sequences(self) -> dict[str, int]:
        return dict(Counter(",".join(FEEDBACK_CZLX[: len(c) - 1]) for c in self.chains))


def iso(value: datetime) -> str:
    return value.astimezone(SHANGHAI).isoformat()


REPLY_NOTES = (
    "经核查，情况属实，已责成相关单位限期整改，并将持续跟踪。",
    "已联系来电人说明政策规定及办理流程，来电人表示理解。",
    "已安排工作人员现场处理，问题已解决，后续将加强巡查。",
    "经协调，相关单位已承诺于本月底前完成整改。",
)
PUBLIC_REPLIES = (
    "您好，您反映的问题已转相关部门处理，感谢您对我区工作的关心和支持。",
    "您好，经核实，相关问题已整改完毕，如仍有疑问请再次来电。",
)
SATISFACTION = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")


def build_workload(name: str, rows: int, per_key: int, seed: int, settings: Settings) -> Workload:
    """rows messages, per_key per inquiry (the last may have fewer), payloads as interconnect writes them."""
    if not 1 <= per_key <= 1 + len(FEEDBACK_CZLX):
        raise harness.BenchError(f"--per-key must be 1-{1 + len(FEEDBACK_CZLX)}")
    rng = random.Random(seed)
    base = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    departments = settings.departments
    chains: list[list[Msg]] = []
    timed: list[tuple[float, int, Msg]] = []
    event_id = 0
    inquiries = math.ceil(rows / per_key)
    for n in range(inquiries):
        inquiry_id = 100_000 + n
        body = random_inquiry(rng, f"WZ{seed:03d}{inquiry_id:09d}")
        created = base + timedelta(seconds=20 * n)
        number = f"SQ{created.astimezone(SHANGHAI):%Y%m%d}{inquiry_id:08d}"
        citizen = body["citizen"]
        work_order = {  # interconnect._work_order for a website message forwarded to 12345
            "inquiry_id": inquiry_id,
            "number": number,
            "origin": "website",
            "external_id": body["external_id"],
            "kind": body["kind"],
            "title": body.get("title"),
            "content": body["content"],
            "category": body.get("category"),
            "address": body.get("address"),
            "district": body.get("district"),
            "citizen": {
                "name": citizen["name"],
                "phone": citizen["phone"],
                "id_number": citizen.get("id_number"),
            },
            "public_consent": body["public_consent"],
            "created_at": iso(created),
        }
        department = rng.choice(departments)
        due = created + timedelta(days=rng.choice((5, 7, 10, 15)))
        at = created
        events: list[tuple[str, dict[str, Any]]] = [(messages.WORKORDER_CREATE, work_order)]
        for action, status in (
            ("dispatch", "dispatched"),
            ("acknowledge", "acknowledged"),
            ("reply", "replied"),
            ("callback", "called_back"),
        ):
            at += timedelta(minutes=rng.randint(5, 600))
            status_payload: dict[str, Any] = {  # interconnect._status, target hotline
                "inquiry_id": inquiry_id,
                "number": number,
                "external_id": None,
                "origin": "website",
                "action": action,
                "status": status,
                "department": department.code,
                "department_name": department.name,
                "due_at": iso(due),
                "at": iso(at),
            }
            if action == "reply":
                status_payload["note"] = rng.choice(REPLY_NOTES)
                if body["public_consent"]:
                    status_payload["public_reply"] = rng.choice(PUBLIC_REPLIES)
            if action == "callback":
                status_payload["satisfaction"] = rng.choice(SATISFACTION)
            events.append((messages.STATUS_CHANGED, status_payload))
        size = min(per_key, rows - n * per_key)
        chain = []
        moment = float(n)
        for step, (event_type, payload) in enumerate(events[:size]):
            event_id += 1
            msg = Msg(
                event_type=event_type,
                ordering_key=f"inquiry:{inquiry_id}:hotline",
                payload=payload,
                idempotency_key=f"inq{inquiry_id}-ev{event_id}-hotline-{event_type}",
            )
            chain.append(msg)
            # Later events of an inquiry land among hundreds of other inquiries' messages.
            if step:
                moment += rng.uniform(0, 200)
            timed.append((moment, event_id, msg))
        chains.append(chain)
    timed.sort(key=lambda t: (t[0], t[1]))
    return Workload(name, per_key, chains, [m for _, _, m in timed])


# ---- database helpers ----------------------------------------------------------------------------


def clear_outbox(db: Database) -> None:
    with db.unit_of_work() as session:
        if db.is_sqlite:
            session.execute(text("DELETE FROM outbox"))
        else:
            session.execute(text("TRUNCATE outbox RESTART IDENTITY"))
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def insert_history(db: Database, n: int, work: Workload) -> None:
    """n old rows already sent (nothing deletes sent messages), with ids before the new ones."""
    payload = json.dumps(work.enqueue_order[0].payload, ensure_ascii=False)
    params = {"n": n, "payload": payload, "suffix": ":hotline"}
    insert = (
        "INSERT INTO outbox (target, event_type, ordering_key, payload, idempotency_key, status, attempts, "
        "next_attempt_at, created_at, sent_at) "
    )
    if db.is_sqlite:
        # UTCDateTime keeps naive UTC text on SQLite.
        rows = (
            "SELECT 'hotline', 'workorder.create', 'inquiry:' || (x + 1000000) || :suffix, :payload, "
            "'hist-' || x, 'sent', 1, '2026-01-05 02:00:00.000000', '2026-01-05 02:00:00.000000', "
            "'2026-01-05 02:00:00.000000' FROM g"
        )
        sql = "WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) " + insert + rows  # noqa: S608 - constants only
    else:
        rows = (
            "SELECT 'hotline', 'workorder.create', 'inquiry:' || (g + 1000000) || :suffix, "
            "CAST(:payload AS json), 'hist-' || g, 'sent', 1, now() - interval '30 days', "
            "now() - interval '30 days', now() - interval '30 days' FROM generate_series(1, :n) AS g"
        )
        sql = insert + rows
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def fill_outbox(db: Database, work: Workload, history: int = 0) -> float:
    """Enqueue every message (FILL_CHUNK per transaction) the way the services do; returns seconds."""
    clear_outbox(db)
    if history:
        insert_history(db, history, work)
    now = datetime.now(UTC)
    started = time.perf_counter()
    rows = work.enqueue_order
    for i in range(0, len(rows), FILL_CHUNK):
        with db.writing() as uow:
            for m in rows[i : i + FILL_CHUNK]:
                outbox.enqueue(
                    uow.outbox,
                    target="hotline",
                    event_type=m.event_type,
                    ordering_key=m.ordering_key,
                    payload=m.payload,
                    idempotency_key=m.idempotency_key,
                    now=now,
                )
    seconds = time.perf_counter() - started
    # Fresh statistics, so autovacuum's ANALYZE does not land in the middle of a measurement.
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE outbox" if not db.is_sqlite else "PRAGMA wal_checkpoint(TRUNCATE)")
    return seconds


def outbox_summary(db: Database) -> dict[str, int]:
    """Row counts by "status/attempts" (rows of history left out)."""
    with db.read() as session:
        rows = session.execute(
            select(OutboxMessage.status, OutboxMessage.attempts, func.count())
            .where(OutboxMessage.idempotency_key.not_like("hist-%"))
            .group_by(OutboxMessage.status, OutboxMessage.attempts)
        ).all()
    return {f"{status}/{attempts}": n for status, attempts, n in rows}


def remaining(db: Database) -> int:
    with db.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("pending", "sending")))
            )
            or 0
        )


# ---- CPU accounting ------------------------------------------------------------------------------


def _pg_ticks(dbname: str | None) -> dict[int, int]:
    """CPU ticks of the PostgreSQL backends connected to our database."""
    if not dbname:
        return {}
    ticks = {pid: harness.proc_ticks(pid) for pid in harness.pg_processes(dbname, helpers=False)}
    return {pid: t for pid, t in ticks.items() if t is not None}


@dataclass
class Cpu:
    own: float
    sim: int | None
    db: dict[int, int]
    busy: int
    total: int

    @classmethod
    def now(cls, sim_pid: int | None, dbname: str | None) -> Cpu:
        t = os.times()
        busy, total = harness.machine_ticks()
        return cls(
            t.user + t.system,
            harness.proc_ticks(sim_pid) if sim_pid else None,
            _pg_ticks(dbname),
            busy,
            total,
        )


def cpu_delta(a: Cpu, b: Cpu, extra_own: float = 0.0) -> dict[str, float | None]:
    """CPU seconds by role between two snapshots; 'other' is the rest of the machine (other jobs)."""
    own = b.own - a.own + extra_own
    sim = (b.sim - a.sim) / harness.TICKS if a.sim is not None and b.sim is not None else None
    db = sum(t - a.db.get(p, 0) for p, t in b.db.items()) / harness.TICKS
    busy = (b.busy - a.busy) / harness.TICKS
    return {
        "gateway": own,
        "sim": sim,
        "db": db,
        "other": max(0.0, busy - own - (sim or 0.0) - db),
        "window": (b.total - a.total) / harness.TICKS,
    }


# ---- one measurement -----------------------------------------------------------------------------


@dataclass
class Run:
    backend: str  # "-" for baselines
    kind: str  # delivery | baseline | two-workers
    keys: str
    batch: int | None
    concurrency: int
    rows: int
    wall: float
    checks: list[str] = field(default_factory=list)  # problems; empty = exactly-once held
    cpu: dict[str, float | None] = field(default_factory=dict)
    passes: int = 0
    claim_s: float = 0.0
    record_s: float = 0.0
    fill_s: float | None = None
    detail: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.wall if self.wall else 0.0


def check_simulator(stats: dict[str, Any], work: Workload) -> list[str]:
    n = work.rows
    problems = []
    if stats["posts"] != n:
        problems.append(f"simulator got {stats['posts']} POSTs (duplicates included), expected {n}")
    if stats["non_2xx"]:
        problems.append(f"{stats['non_2xx']} answers were not 2xx: {stats['requests']}")
    if stats["received"] != n or stats["duplicates"] or stats["repeated_keys"]:
        problems.append(
            f"simulator recorded {stats['received']} ({stats['duplicates']} duplicates, "
            f"{stats['repeated_keys']} keys repeated), expected {n} and none"
        )
    if stats["distinct_keys"] != n:
        problems.append(f"{stats['distinct_keys']} distinct idempotency keys, expected {n}")
    if stats["work_orders"] != work.creates or stats["distinct_wbbh"] != work.creates:
        problems.append(f"{stats['work_orders']} work orders, expected {work.creates}")
    if stats["sequences"] != work.expected_sequences():
        problems.append(f"feedback out of order: {stats['sequences']} != {work.expected_sequences()}")
    return problems


def check_outbox(summary: dict[str, int], n: int) -> list[str]:
    if summary == {"sent/1": n}:
        return []
    return [f"outbox rows by status/attempts: {summary}, expected {{'sent/1': {n}}}"]


def _adapters(settings: Settings, sim_url: str, concurrency: int) -> tuple[requests.Session, Any]:
    """A session like gateway.bootstrap.build's and the real hotline adapter pointed at the simulator."""
    session = make_session(pool_size=max(16, concurrency * 2))
    endpoint = dataclasses.replace(settings.systems["hotline"], base_url=sim_url)
    local = dataclasses.replace(settings, systems={**settings.systems, "hotline": endpoint})
    _, senders = build_adapters(local, session)
    return session, senders


def run_baseline(settings: Settings, sim: Simulator, work: Workload, concurrency: int) -> Run:
    """The same messages through the same adapter from a thread pool, no database."""
    session, senders = _adapters(settings, sim.url, concurrency)
    client = senders["hotline"]
    seq = iter(range(1, 10**9))
    chains = [
        [OutboundMessage(next(seq), "hotline", m.event_type, m.payload, m.idempotency_key, 1) for m in chain]
        for chain in work.chains
    ]
    errors: list[str] = []

    def send_chain(chain: list[OutboundMessage]) -> None:
        for message in chain:
            try:
                client.send(message)
            except UpstreamError as err:
                errors.append(str(err))
                return

    sim.reset()
    session.get(f"{sim.url}/_bench/stats", timeout=30)  # one warm connection, like the worker's
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="baseline") as pool:
        cpu0 = Cpu.now(sim.pid, None)
        started = time.perf_counter()
        list(pool.map(send_chain, chains))
        wall = time.perf_counter() - started
        cpu1 = Cpu.now(sim.pid, None)
    session.close()
    run = Run("-", "baseline", work.name, None, concurrency, work.rows, wall, cpu=cpu_delta(cpu0, cpu1))
    run.checks = check_simulator(sim.stats(), work) + [f"baseline send failed: {e}" for e in errors[:3]]
    return run


class PassTimer:
    """Time spent in the worker's claim and record steps (instance attributes wrap the real methods)."""

    def __init__(self, worker: DeliveryWorker) -> None:
        self.claim = self.record = 0.0
        self.passes = 0
        worker._claim = self._timed(worker._claim, "claim")  # type: ignore[method-assign]
        worker._record = self._timed(worker._record, "record")  # type: ignore[method-assign]

    def _timed(self, step: Callable[..., Any], name: str) -> Callable[..., Any]:
        """step, adding the time it takes to self.<name> (and counting a pass per claim)."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                setattr(self, name, getattr(self, name) + time.perf_counter() - t)
                if name == "claim":
                    self.passes += 1

        return timed


class NullSender:
    """An adapter that maps nothing and sends nothing: what is left is the outbox's own cost."""

    system = "hotline"

    def send(self, message: OutboundMessage) -> None:
        return None


class Stage(NamedTuple):
    """Where a run happens: the settings, the database backend and its Database, the simulator."""

    settings: Settings
    backend: Backend
    db: Database
    sim: Simulator


def run_delivery(
    stage: Stage,
    work: Workload,
    batch: int,
    concurrency: int,
    profile: bool = False,
    history: int = 0,
    null_adapter: bool = False,
) -> Run:
    settings, backend, db, sim = stage
    fill_s = fill_outbox(db, work, history)
    sim.reset()
    session, senders = _adapters(settings, sim.url, concurrency)
    if null_adapter:
        senders = {"hotline": NullSender()}
    policy = dataclasses.replace(settings.delivery, batch_size=batch, concurrency=concurrency)
    worker = DeliveryWorker(db, senders, policy, lambda: datetime.now(UTC), worker_id="bench-worker")
    timer = PassTimer(worker)
    with db.read() as s:  # warm pooled connections, DB and HTTP, as a long-running worker has them
        s.execute(text("SELECT 1"))
    session.get(f"{sim.url}/_bench/stats", timeout=30)
    profiles: list[cProfile.Profile] = []
    main_profile = cProfile.Profile() if profile else None
    if profile:
        _profile_senders(worker, profiles)
    try:
        cpu0 = Cpu.now(sim.pid, backend.dbname)
        started = time.perf_counter()
        if main_profile:
            main_profile.enable()
        report = worker.drain(max_passes=10 * work.rows + 10)
        if main_profile:
            main_profile.disable()
        wall = time.perf_counter() - started
        cpu1 = Cpu.now(sim.pid, backend.dbname)
    finally:
        worker.close()
        session.close()
    run = Run(
        backend.name,
        "delivery",
        work.name,
        batch,
        concurrency,
        work.rows,
        wall,
        cpu=cpu_delta(cpu0, cpu1),
        passes=timer.passes,
        claim_s=timer.claim,
        record_s=timer.record,
        fill_s=fill_s,
    )
    run.checks = check_outbox(outbox_summary(db), work.rows)
    if not null_adapter:
        run.checks = check_simulator(sim.stats(), work) + run.checks
    if report.sent != work.rows:
        run.checks.append(f"drain reported {report.sent} sent, {report.retried} retried, {report.dead} dead")
    if main_profile:
        _print_profiles(main_profile, profiles, run)
    return run


def _profile_senders(worker: DeliveryWorker, profiles: list[cProfile.Profile]) -> None:
    """cProfile each send thread while it sends (cProfile only sees the thread that enables it)."""
    local = threading.local()
    lock = threading.Lock()
    send = worker._send

    def profiled(claimed: Any) -> Any:
        prof = getattr(local, "prof", None)
        if prof is None:
            prof = local.prof = cProfile.Profile()
            with lock:
                profiles.append(prof)
        prof.enable()
        try:
            return send(claimed)
        finally:
            prof.disable()

    worker._send = profiled  # type: ignore[method-assign]


def _print_profiles(main: cProfile.Profile, senders: list[cProfile.Profile], run: Run) -> None:
    print(
        f"\n  profile: {run.rows} rows in {run.wall:.2f} s = {run.rate:.0f} msg/s (profiling slows it down)"
    )
    for title, profs in (
        ("worker thread (claim, wait for sends, record)", [main]),
        ("send threads", senders),
    ):
        out = io.StringIO()
        stats = pstats.Stats(profs[0], stream=out)
        for p in profs[1:]:
            stats.add(p)
        stats.sort_stats("tottime").print_stats(25)
        print(f"\n  ---- {title}: top functions by own time ----")
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


# ---- two workers on PostgreSQL (separate processes or threads) -----------------------------------


@dataclass(frozen=True)
class WorkerSpec:
    """What each of the two workers drains with: the database, the simulator, batch and concurrency."""

    url: str
    sim_url: str
    batch: int
    concurrency: int


def _two_worker_body(
    idx: int,
    spec: WorkerSpec,
    ready: Any,
    start: Any,
    report_result: Callable[[dict[str, Any]], None],
    done: Any,
) -> None:
    """Drain with one worker until the outbox is empty; report, then (when told) close connections."""
    url, sim_url, batch, concurrency = spec.url, spec.sim_url, spec.batch, spec.concurrency
    settings = _settings(url)
    db = Database(make_engine(url))
    session, senders = _adapters(settings, sim_url, concurrency)
    policy = dataclasses.replace(settings.delivery, batch_size=batch, concurrency=concurrency)
    worker = DeliveryWorker(db, senders, policy, lambda: datetime.now(UTC), worker_id=f"bench-host{idx}")
    timer = PassTimer(worker)
    with db.read() as s:
        s.execute(text("SELECT 1"))
    session.get(f"{sim_url}/_bench/stats", timeout=30)
    ready.set()
    start.wait()
    t0 = os.times()
    sent = claimed = idle = retried = dead = 0
    try:
        while True:
            report = worker.run_once()
            sent, claimed = sent + report.sent, claimed + report.claimed
            retried, dead = retried + report.retried, dead + report.dead
            if report.claimed == 0:
                # The other worker may hold the last heads of some keys: stop only when nothing is left.
                if remaining(db) == 0:
                    break
                idle += 1
                time.sleep(0.002)
        ended = time.monotonic()
        t1 = os.times()
        report_result(
            {
                "idx": idx,
                "sent": sent,
                "claimed": claimed,
                "retried": retried,
                "dead": dead,
                "idle": idle,
                "ended": ended,
                "passes": timer.passes,
                "claim_s": timer.claim,
                "record_s": timer.record,
                "cpu": (t1.user + t1.system) - (t0.user + t0.system),
            }
        )
        # Keep the PostgreSQL connections (backend processes) until the parent has read their CPU time.
        done.wait(60)
    finally:
        worker.close()
        session.close()
        db.dispose()


def _two_worker_process(
    parent: int, idx: int, spec: WorkerSpec, ready: Any, start: Any, out: Any, done: Any, log_path: str | None
) -> None:
    _die_with_parent(parent)
    _configure_logging(log_path)
    try:
        _two_worker_body(idx, spec, ready, start, out.put, done)
    except BaseException as err:  # noqa: BLE001 - report it to the parent, which fails the run
        out.put({"idx": idx, "error": f"{type(err).__name__}: {err}"})
        ready.set()


def run_two_workers(
    stage: Stage, work: Workload, batch: int, concurrency: int, mode: str, log_path: str | None
) -> Run:
    settings, backend, db, sim = stage
    fill_s = fill_outbox(db, work)
    sim.reset()
    spec = WorkerSpec(backend.url, sim.url, batch, concurrency)
    results: list[dict[str, Any]] = []
    if mode == "process":
        ctx = mp.get_context("spawn")
        start, done = ctx.Event(), ctx.Event()
        out: Any = ctx.Queue()
        readies = [ctx.Event() for _ in range(2)]
        procs = [
            ctx.Process(
                target=_two_worker_process,
                args=(os.getpid(), i, spec, readies[i], start, out, done, log_path),
                daemon=True,
            )
            for i in range(2)
        ]
        try:
            for p in procs:
                p.start()
            for ev in readies:
                if not ev.wait(60):
                    raise harness.BenchError("a worker process did not get ready")
            cpu0 = Cpu.now(sim.pid, backend.dbname)
            t0 = time.monotonic()
            start.set()
            for _ in procs:
                try:
                    results.append(out.get(timeout=600))
                except queue.Empty:
                    raise harness.BenchError("a worker process did not finish in 600 s") from None
            cpu1 = Cpu.now(sim.pid, backend.dbname)
        finally:
            done.set()
            for p in procs:
                p.join(5)
                if p.is_alive():
                    p.terminate()
                    p.join(5)
                if p.is_alive():
                    p.kill()
                    p.join()
            out.close()
        extra = sum(r.get("cpu", 0.0) for r in results)
    else:
        start_t, done_t = threading.Event(), threading.Event()
        readies_t = [threading.Event() for _ in range(2)]
        errors: list[str] = []
        finished = threading.Semaphore(0)

        def body(i: int) -> None:
            def report_result(result: dict[str, Any]) -> None:
                results.append(result)
                finished.release()

            try:
                _two_worker_body(i, spec, readies_t[i], start_t, report_result, done_t)
            except BaseException as err:  # noqa: BLE001
                errors.append(f"{type(err).__name__}: {err}")
                readies_t[i].set()
                finished.release()

        threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(2)]
        for t in threads:
            t.start()
        for ev in readies_t:
            ev.wait(60)
        cpu0 = Cpu.now(sim.pid, backend.dbname)
        t0 = time.monotonic()
        start_t.set()
        for _ in threads:
            finished.acquire(timeout=600)
        cpu1 = Cpu.now(sim.pid, backend.dbname)
        done_t.set()
        for t in threads:
            t.join(60)
        results += [{"error": e} for e in errors]
        extra = 0.0
    failed = [r["error"] for r in results if "error" in r]
    if failed or len(results) != 2:
        raise harness.BenchError(f"two-worker run failed: {failed or results}")
    wall = max(r["ended"] for r in results) - t0
    results.sort(key=lambda r: r["idx"])
    run = Run(
        backend.name,
        f"2 workers ({mode}s)" if mode == "thread" else "2 workers (processes)",
        work.name,
        batch,
        concurrency,
        work.rows,
        wall,
        cpu=cpu_delta(cpu0, cpu1, extra_own=extra),
        passes=sum(r["passes"] for r in results),
        claim_s=max(r["claim_s"] for r in results),
        record_s=max(r["record_s"] for r in results),
        fill_s=fill_s,
        detail="sent per worker "
        + " + ".join(f"{r['sent']:,}" for r in results)
        + f", empty claims {sum(r['idle'] for r in results)}",
    )
    run.checks = check_simulator(sim.stats(), work) + check_outbox(outbox_summary(db), work.rows)
    if sum(r["sent"] for r in results) != work.rows or any(r["retried"] or r["dead"] for r in results):
        run.checks.append(f"workers reported {results}")
    return run


# ---- setup, report, main -------------------------------------------------------------------------


def _settings(database_url: str) -> Settings:
    return load_settings(
        DEFAULT_CONFIG, env={"GATEWAY_DATABASE_URL": database_url, "GATEWAY_SECRET_KEY": "bench"}
    )


def _configure_logging(log_path: str | None) -> None:
    """Like the gateway's processes (gateway/app.py: INFO, one line per request), into a file."""
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    if log_path:
        handler: logging.Handler = logging.FileHandler(log_path, encoding="utf-8")
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    else:
        root.addHandler(logging.NullHandler())
        root.setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def machine_info() -> dict[str, Any]:
    packages = harness.versions("sqlalchemy", "psycopg", "requests", "urllib3", "flask", "werkzeug")
    return harness.machine_info(**packages, sqlite=sqlite3.sqlite_version)


def _parse_configs(value: str) -> list[tuple[int, int]]:
    out = []
    for part in value.split(","):
        if part.strip():
            batch, conc = part.strip().split("/")
            out.append((int(batch), int(conc)))
    return out


def _cpu_ms(run: Run, role: str) -> str:
    value = run.cpu.get(role)
    return "-" if value is None else f"{1000 * value / run.rows:.2f}"


def _other(run: Run) -> float:
    """Percent of one core that other jobs on the machine used during the run."""
    window = run.cpu.get("window") or 0.0
    other = run.cpu.get("other") or 0.0
    return 100 * other / window * (os.cpu_count() or 1) if window else 0.0


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


@dataclass
class Row:
    """A configuration's rounds, with the baseline rounds paired with them."""

    backend: str
    label: str
    keys: str
    batch: int | None
    concurrency: int
    runs: list[Run] = field(default_factory=list)
    baselines: list[Run] = field(default_factory=list)
    is_target: bool = False

    @property
    def rate(self) -> float:
        return _median([r.rate for r in self.runs])

    @property
    def base_rate(self) -> float:
        return _median([r.rate for r in self.baselines])

    @property
    def ratio(self) -> float | None:
        return self.rate / self.base_rate if self.base_rate else None

    @property
    def ok(self) -> bool:
        return not any(r.checks for r in self.runs + self.baselines)

    def median_run(self) -> Run:
        return sorted(self.runs, key=lambda r: r.rate)[(len(self.runs) - 1) // 2]


def print_table(rows: list[Row], quiet_below: float) -> None:
    """Throughput and verdicts; then where the time went in each row's median round."""
    head = (
        f"{'backend':8} {'run':21} {'keys':8} {'batch/conc':>10} {'msg/s':>6} {'rounds':>11} "
        f"{'baseline':>8} {'ratio':>6} {'>=500':>6}  exactly-once"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        rounds = "/".join(f"{r.rate:.0f}" for r in row.runs) if len(row.runs) > 1 else ""
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
        base = f"{row.base_rate:.0f}" if row.baselines else "-"
        if row.label.endswith("no HTTP"):
            verdict = "-"
        else:
            verdict = ("PASS" if row.rate >= TARGET_MSG_S else "FAIL") + ("*" if row.is_target else " ")
        checked = "ok" if row.ok else "FAILED"
        detail = row.median_run().detail
        print(
            f"{row.backend:8} {row.label:21} {row.keys:8} {row.batch or '-'!s:>4}/{row.concurrency:<5} "
            f"{row.rate:6.0f} {rounds:>11} {base:>8} {ratio:>6} {verdict:>6}  {checked}"
            + (f"  ({detail})" if detail else "")
        )
    print()
    head = (
        f"{'backend':8} {'run':21} {'keys':8} {'batch/conc':>10} {'wall s':>6} {'passes':>6} "
        f"{'claim ms':>8} {'record ms':>9} {'DB share':>8} {'cpu ms/msg gw/sim/db':>20} "
        f"{'baseline gw/sim':>15} {'other jobs':>10}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        m = row.median_run()
        passes = m.passes
        claim = f"{1000 * m.claim_s / passes:.1f}" if passes else "-"
        record = f"{1000 * m.record_s / passes:.1f}" if passes else "-"
        share = f"{100 * (m.claim_s + m.record_s) / m.wall:.0f}%" if m.wall else "-"
        cpu = f"{_cpu_ms(m, 'gateway')}/{_cpu_ms(m, 'sim')}/{_cpu_ms(m, 'db')}"
        if row.baselines:
            b = sorted(row.baselines, key=lambda r: r.rate)[(len(row.baselines) - 1) // 2]
            base_cpu = f"{_cpu_ms(b, 'gateway')}/{_cpu_ms(b, 'sim')}"
        else:
            base_cpu = "-"
        others = [_other(r) for r in row.runs + row.baselines]
        noisy = "!" if max(others, default=0.0) > quiet_below else " "
        print(
            f"{row.backend:8} {row.label:21} {row.keys:8} {row.batch or '-'!s:>4}/{row.concurrency:<5} "
            f"{m.wall:6.2f} {passes:6d} {claim:>8} {record:>9} {share:>8} {cpu:>20} {base_cpu:>15} "
            f"{max(others, default=0.0):9.0f}%{noisy}"
        )


def _quiet(args: argparse.Namespace) -> float:
    """Wait (up to --wait-quiet s) until other jobs use less than --quiet-below % CPU; the last reading."""
    busy = harness.wait_quiet(args.quiet_below, args.wait_quiet)
    return harness.machine_busy(1.0) if busy is None else busy


def _line(run: Run, base: Run | None = None) -> str:
    text_ = f" {run.rate:.0f} msg/s"
    if run.fill_s is not None:
        text_ += f" (fill {run.fill_s:.1f} s)"
    if base is not None and base.rate:
        text_ += f", ratio {run.rate / base.rate:.2f}"
    if run.detail:
        text_ += f", {run.detail}"
    checks = (base.checks if base else []) + run.checks
    return text_ + (f"  CHECKS FAILED: {checks}" if checks else "")


def measure_backend(
    args: argparse.Namespace,
    settings: Settings,
    backend: Backend,
    db: Database,
    sim: Simulator,
    distinct: Workload,
    shared: Workload | None,
    configs: list[tuple[int, int]],
    rounds: int,
    log_path: str | None,
    out: list[Row],
) -> None:
    """Every measurement on one backend, appended to out as it completes."""
    stage = Stage(settings, backend, db, sim)
    plan: list[tuple[Workload, int, int]] = [(distinct, b, c) for b, c in configs]
    if shared is not None:
        plan.append((shared, *configs[0]))
    target = configs[0]
    for work, batch, conc in plan:
        row = Row(
            backend.name,
            "worker",
            work.name,
            batch,
            conc,
            is_target=(work is distinct and (batch, conc) == target),
        )
        out.append(row)
        for rnd in range(rounds):
            print(
                f"  {work.name} keys, {batch}/{conc}, round {rnd + 1}/{rounds}: baseline …",
                end="",
                flush=True,
            )
            _quiet(args)
            base = run_baseline(settings, sim, work, conc)
            print(f" {base.rate:.0f} msg/s; delivery …", end="", flush=True)
            run = run_delivery(stage, work, batch, conc)
            print(_line(run, base))
            row.baselines.append(base)
            row.runs.append(run)

    def baselines_for(keys: str, conc: int) -> list[Run]:
        return next(
            (
                r.baselines
                for r in out
                if r.backend == backend.name and r.keys == keys and r.concurrency == conc and r.baselines
            ),
            [],
        )

    batch, conc = target
    if args.history:
        row = Row(backend.name, f"worker +{args.history // 1000}k sent", distinct.name, batch, conc)
        print(
            f"  distinct keys, {batch}/{conc}, after {args.history:,} sent rows of history …",
            end="",
            flush=True,
        )
        _quiet(args)
        run = run_delivery(stage, distinct, batch, conc, history=args.history)
        row.runs.append(run)
        row.baselines = baselines_for(distinct.name, conc)
        print(_line(run))
        out.append(row)
    if args.no_http:
        row = Row(backend.name, "worker, no HTTP", distinct.name, batch, conc)
        print(
            f"  distinct keys, {batch}/{conc}, adapter that sends nothing (the outbox's own ceiling) …",
            end="",
            flush=True,
        )
        _quiet(args)
        run = run_delivery(stage, distinct, batch, conc, null_adapter=True)
        row.runs.append(run)
        print(_line(run))
        out.append(row)
    if backend.name == "postgres" and args.two_workers != "off":
        for work in [distinct] + ([shared] if shared is not None else []):
            label = "2 workers (threads)" if args.two_workers == "thread" else "2 workers (processes)"
            row = Row(backend.name, label, work.name, batch, conc)
            print(f"  two workers, {work.name} keys, {batch}/{conc} each …", end="", flush=True)
            _quiet(args)
            run = run_two_workers(stage, work, batch, conc, args.two_workers, log_path)
            row.runs.append(run)
            row.baselines = baselines_for(work.name, conc)
            print(_line(run))
            out.append(row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, default=None, help="outbox rows per run (default 10000; --quick 2000)"
    )
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2,000 rows, 1 round, target not enforced"
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="alternating baseline/delivery rounds (default 2)"
    )
    parser.add_argument(
        "--configs",
        default=None,
        help="extra batch_size/concurrency pairs for distinct keys (default 100/8,100/16); "
        "the config.yaml policy always runs first",
    )
    parser.add_argument(
        "--per-key", type=int, default=5, help="messages per inquiry in the shared-key run (1 = skip)"
    )
    parser.add_argument("--two-workers", choices=("process", "thread", "off"), default="process")
    parser.add_argument(
        "--history",
        type=int,
        default=None,
        help="also drain after this many old sent rows are in the outbox (default 200000; --quick 0)",
    )
    parser.add_argument(
        "--no-http",
        type=int,
        choices=(0, 1),
        default=1,
        help="also drain into an adapter that sends nothing: the outbox's own ceiling (default 1)",
    )
    harness.add_machine_options(parser, wait_quiet_s=15.0, quiet_below=30.0)
    parser.add_argument(
        "--sim",
        choices=("process", "inprocess"),
        default="process",
        help="simulator in its own process (default) or on a thread of this one",
    )
    parser.add_argument(
        "--sim-linear",
        action="store_true",
        help="leave the simulator's linear wbbh lookup as it is (10k runs become simulator-bound)",
    )
    parser.add_argument(
        "--log",
        choices=("info", "off"),
        default="info",
        help="gateway INFO logging into a file, as in production (default), or none",
    )
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument(
        "--revision", default="head", help="migrate the databases to this revision (default head)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one drain (first backend, config.yaml policy)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (SQLite file, logs)")
    parser.add_argument("--_simulator", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._simulator is not None:
        serve_simulator(args._simulator, not args.sim_linear)
        return 0

    signal.signal(signal.SIGTERM, harness.on_sigterm)
    rows_n = args.rows or (2000 if args.quick else 10_000)
    rounds = args.rounds or (1 if args.quick else 2)
    if args.history is None:
        args.history = 0 if args.quick else 200_000
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    for b in backends:
        if b not in ("sqlite", "postgres"):
            parser.error(f"unknown backend {b!r}")
    extra = _parse_configs(
        args.configs if args.configs is not None else ("" if args.quick else "100/8,100/16")
    )

    # Temp dirs left by runs that were killed hard (their pid is gone) go first.
    for stale in Path(tempfile.gettempdir()).glob("bench-delivery-*-*"):
        pid = stale.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(stale, ignore_errors=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-delivery-{os.getpid()}-"))
    log_path = str(workdir / "gateway.log") if args.log == "info" else None
    _configure_logging(log_path)
    settings = _settings("sqlite://")
    default: DeliveryPolicy = settings.delivery
    configs = [(default.batch_size, default.concurrency)] + [
        c for c in extra if c != (default.batch_size, default.concurrency)
    ]

    info = machine_info()
    command = shlex.join(
        [
            os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable,
            os.path.relpath(__file__, ROOT),
            *(argv if argv is not None else sys.argv[1:]),
        ]
    )
    print(f"command: {command}")
    print(
        f"machine: {info['cpu_count']} cores ({info['cpus_usable']} usable, {info['cpu_model']}), "
        f"{info['python']}, {info['platform']}, "
        f"load {', '.join(f'{x:.2f}' for x in info['loadavg_at_start'])}"
    )
    print(
        f"versions: SQLAlchemy {info['sqlalchemy']}, psycopg {info['psycopg']}, requests {info['requests']}, "
        f"urllib3 {info['urllib3']}, Flask {info['flask']}, werkzeug {info['werkzeug']}, "
        f"SQLite {info['sqlite']}"
    )
    print(
        f"workload: {rows_n:,} outbox rows to the hotline per run; "
        f"distinct keys = {rows_n:,} workorder.create; "
        + (
            f"shared keys = {math.ceil(rows_n / args.per_key):,} inquiries x {args.per_key} "
            f"(workorder.create + status_changed); "
            if args.per_key > 1
            else ""
        )
        + f"{rounds} round(s); "
        + f"simulator {'in a separate process' if args.sim == 'process' else 'in this process'}; "
        f"gateway logging {'INFO to a file' if log_path else 'off'}; workdir {workdir}"
    )

    distinct = build_workload("distinct", rows_n, 1, args.seed, settings)
    shared = build_workload("shared", rows_n, args.per_key, args.seed, settings) if args.per_key > 1 else None
    sizes = [len(json.dumps(m.payload, ensure_ascii=False).encode()) for m in distinct.enqueue_order]
    sample = distinct.enqueue_order[:500]
    print(
        f"payloads: workorder.create JSON {statistics.mean(sizes):.0f} B mean, {max(sizes)} B max "
        f"(HTTP body after mapping to the 12345 protocol: "
        f"{statistics.mean(len(json.dumps(wire.work_order_request(m.payload))) for m in sample):.0f} B mean)"
    )

    sim: Simulator | None = None
    all_rows: list[Row] = []
    open_backends: list[Backend] = []
    status = 0
    try:
        sim = Simulator(args.sim, workdir, not args.sim_linear)
        print(
            f"simulator: adapters.hotline.create_simulator on ServerThread (werkzeug, threaded) at {sim.url}"
            + (f", pid {sim.pid}" if sim.pid else "")
            + ("; linear wbbh lookup as shipped" if args.sim_linear else "; wbbh looked up through an index")
        )
        for name in backends:
            print(f"\n[{name}]")
            backend = (
                sqlite_backend(workdir, args.revision)
                if name == "sqlite"
                else pg_backend(args.pg_url, args.revision)
            )
            open_backends.append(backend)
            print(f"  {backend.info}")
            db = Database(make_engine(backend.url))
            try:
                if args.profile:
                    run_delivery(Stage(settings, backend, db, sim), distinct, *configs[0], profile=True)
                    return 0
                measure_backend(
                    args, settings, backend, db, sim, distinct, shared, configs, rounds, log_path, all_rows
                )
            finally:
                db.dispose()
    except harness.BenchError as err:
        print(f"\nbenchmark could not run: {err}", file=sys.stderr)
        status = 2
    finally:
        if sim is not None:
            sim.close()
        for backend in open_backends:
            if backend.cleanup:
                try:
                    backend.cleanup()
                except Exception as err:  # noqa: BLE001
                    print(f"could not drop {backend.dbname}: {err}", file=sys.stderr)
        logging.shutdown()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if not all_rows:
        return status or 2

    print(
        f"\nresults ({rows_n:,} rows per run; msg/s = rows / wall time to drain them all; median of rounds)\n"
    )
    print_table(all_rows, args.quiet_below)
    print(
        "\n  msg/s: rows / wall time to drain them all, median of the rounds (each round listed).\n"
        "  baseline: the same messages through the same HotlineClient/HttpClient from a thread pool\n"
        "  of the same concurrency, no database, measured right before each delivery round;\n"
        "  ratio = delivery / baseline. >=500: the target; * marks the row it is judged on\n"
        "  (config.yaml policy, distinct keys). exactly-once: the simulator got N POSTs (duplicates\n"
        "  included), N distinct keys, every feedback in order; every row sent after one attempt.\n"
        "  claim/record ms: per pass (one claim and one record per batch); DB share: of the wall\n"
        "  time, spent claiming and recording, with no send in flight. cpu ms/msg: this process\n"
        "  (worker threads, HTTP client, SQLite) / simulator process / PostgreSQL backends.\n"
        "  other jobs: CPU that other processes used meanwhile, % of one core (of "
        f"{os.cpu_count()}); ! = above {args.quiet_below:.0f}%: figures unreliable."
    )
    problems = [(row, r.checks) for row in all_rows for r in row.runs + row.baselines if r.checks]
    failed_target = [row for row in all_rows if row.is_target and row.rate < TARGET_MSG_S]
    print()
    for row in all_rows:
        if row.is_target:
            print(
                f"TARGET {row.backend}: {row.rate:.0f} msg/s with batch {row.batch}, "
                f"concurrency {row.concurrency} "
                f"(config.yaml) -> {'PASS' if row.rate >= TARGET_MSG_S else 'FAIL'} (>= {TARGET_MSG_S:.0f}); "
                f"{row.ratio:.2f} x the direct-send baseline ({row.base_rate:.0f} msg/s)"
            )
    print(f"EXACTLY-ONCE: {'held in every run' if not problems else 'FAILED'}")
    for row, checks in problems:
        print(f"  {row.backend} {row.label} {row.keys}: {'; '.join(checks)}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "command": command,
                    "machine": info,
                    "rows": rows_n,
                    "rounds": rounds,
                    "results": [
                        {
                            "backend": r.backend,
                            "run": r.label,
                            "keys": r.keys,
                            "batch": r.batch,
                            "concurrency": r.concurrency,
                            "msg_s": r.rate,
                            "baseline_msg_s": r.base_rate,
                            "ratio": r.ratio,
                            "ok": r.ok,
                            "target_row": r.is_target,
                            "rounds": [dataclasses.asdict(x) for x in r.runs],
                            "baselines": [dataclasses.asdict(x) for x in r.baselines],
                        }
                        for r in all_rows
                    ],
                },
                indent=2,
                default=str,
                ensure_ascii=False,
            )
        )
    if status:
        return status
    if problems:
        return 1
    if failed_target and not args.quick:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

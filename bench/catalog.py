"""Catalog benchmark: CatalogSync.run and CatalogService.search at 100,000 items, against floors.

    .venv/bin/python bench/catalog.py                        # sqlite and postgres, 100,000 items, 500 queries
    .venv/bin/python bench/catalog.py --quick                # smoke: 5,000 items, 100 queries, no targets
    .venv/bin/python bench/catalog.py --backends postgres --size 50000 --queries 1000

The provincial 事项库 is the catalog_source simulator (create_simulator(seed, size), deterministic),
served over real HTTP by a SEPARATE process (werkzeug, threaded), so it never shares a GIL with the
sync. Every sync runs in a child process of its own (`Services.catalog_sync()` from
`gateway.bootstrap.build`, exactly as `flask catalog sync` wires it), so its peak RSS is its own
(plus, for a full sync, the peak of the process it reads the listing in, sampled from /proc and added
as if the two had coincided):
VmHWM from its /proc/self/status, read when it is done. (os.wait4's ru_maxrss is kept in the JSON
but not used: Linux carries the high-water mark across exec, so it can include the moment the child
was still a forked copy of this benchmark.)

Per backend (SQLite: a migrated file in a temp dir; PostgreSQL: a throwaway database
`gateway_bench_cat_<pid>` created with AUTOCOMMIT from --pg-url's server, dropped at the end), after
resetting the simulator:

  1. baseline   stream every page through CatalogSourceClient.iter_pages + validate_item, no database
  2. full sync  of an empty catalog: wall time and peak RSS          targets <= 60 s, <= 300 MB
  3. re-sync, no changes, incremental (baseline: the same listing streamed)   target <= 15 s
  4. re-sync, no changes, full (baseline: step 1)                           target <= 15 s
  5. simulator change(1000), then an incremental sync (baseline: that listing streamed)  target <= 3 s
  6. search: --queries queries after a warm-up, CatalogService.search in process; a mix of Chinese
     substrings (2, 3, 4+ characters) of real names and 办事指南 text, pinyin initials prefixes, full
     pinyin, item codes and code prefixes, and department filters; p50/p95/p99.
     Baseline: one item fetched by its code (unique index) through the same Database.read()
     session machinery, interleaved with the searches.                     target p95 <= 20 ms

Exit status: 0 all targets met (or --quick), 1 a target missed, 2 the benchmark itself failed.
Results go to bench/results/catalog-<time>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

DEFAULT_SEED = 20261126
CURSOR_NAME = "catalog.updated_since"  # gateway.services.catalog.CURSOR

TARGET_FULL_S = 60.0
TARGET_RSS_MB = 300.0
TARGET_RESYNC_S = 15.0
TARGET_CHANGE_S = 3.0
TARGET_SEARCH_P95_MS = 20.0
CHANGED = 1000


# ---- CPU accounting from /proc: who used the machine during a measurement ---------------------------


class CpuWindow:
    """CPU seconds of the simulator, this database's PostgreSQL processes, this benchmark, and the whole
    machine between start() and stop(). PostgreSQL backends come and go with each child's connections,
    so they are sampled every 0.2 s and each one counts up to the last sample it was seen in."""

    def __init__(self, sim_pid: int | None, dbname: str | None) -> None:
        import threading

        self.sim_pid, self.dbname = sim_pid, dbname
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._pg_first: dict[int, int] = {}
        self._pg_last: dict[int, int] = {}

    def _sample_pg(self, first: bool) -> None:
        if not self.dbname:
            return
        for pid in harness.pg_processes(self.dbname):
            t = harness.proc_ticks(pid)
            if t is None:
                continue
            self._pg_first.setdefault(pid, t if first else 0)
            self._pg_last[pid] = t

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample_pg(False)

    def start(self) -> CpuWindow:
        self._sample_pg(True)
        self._sim0 = harness.proc_ticks(self.sim_pid) if self.sim_pid else 0
        self._self0 = time.process_time()
        self._m0 = harness.machine_ticks()
        self._t0 = time.perf_counter()
        self._thread.start()
        return self

    def stop(self, child_cpu_s: float = 0.0) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._sample_pg(False)
        wall = time.perf_counter() - self._t0
        m1 = harness.machine_ticks()
        busy = (m1[0] - self._m0[0]) / harness.TICKS
        sim = (
            ((harness.proc_ticks(self.sim_pid) or 0) - (self._sim0 or 0)) / harness.TICKS
            if self.sim_pid
            else 0.0
        )
        pg = sum(self._pg_last[p] - self._pg_first[p] for p in self._pg_last) / harness.TICKS
        me = time.process_time() - self._self0
        other = max(0.0, busy - child_cpu_s - sim - pg - me)
        return {
            "wall_s": wall,
            "child_cpu_s": child_cpu_s,
            "sim_cpu_s": sim,
            "pg_cpu_s": pg,
            "bench_cpu_s": me,
            "machine_busy_s": busy,
            "other_pct": 100 * other / wall if wall else 0.0,
        }


@dataclass
class ChildResult:
    """What a sync or stream child reports, plus its rusage from the parent's side."""

    wall_s: float  # the measured work only (imports and setup excluded)
    process_s: float  # the whole child process, from spawn to exit
    peak_rss_mb: float  # its own /proc/self/status VmHWM at the end: the peak since exec
    ru_maxrss_mb: float  # os.wait4 ru_maxrss: may include the forked copy of this benchmark before exec
    cpu_s: float  # its user + system CPU
    detail: dict[str, Any] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CpuWindow of the run


def run_child(
    role_args: list[str], log: Path, timeout: float, window: CpuWindow | None = None
) -> ChildResult:
    """Run `bench/catalog.py --role …` as a child; its RESULT line and its own peak RSS."""
    out = log.with_suffix(f".{int(time.time() * 1000)}.out")
    if window:
        window.start()
    started = time.perf_counter()
    proc = harness.spawn([sys.executable, str(Path(__file__).resolve()), *role_args], out)
    deadline = time.monotonic() + timeout
    status, usage = 0, None
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                raise harness.BenchError(
                    f"child {' '.join(role_args[:2])} took more than {timeout:.0f} s; log {out}"
                )
            time.sleep(0.02)
    finally:
        harness.stop(proc, grace=5.0)
    process_s = time.perf_counter() - started
    cpu = window.stop(usage.ru_utime + usage.ru_stime) if window and usage is not None else {}
    text = out.read_text(errors="replace")
    with log.open("a") as fh:
        fh.write(f"$ {shlex.join(role_args)}\n{text}\n")
    if proc.returncode != 0:
        raise harness.BenchError(
            f"child {shlex.join(role_args)} exited {proc.returncode}:\n{harness.tail(out)}"
        )
    line = next((ln for ln in reversed(text.splitlines()) if ln.startswith("RESULT ")), None)
    if line is None:
        raise harness.BenchError(f"child {shlex.join(role_args)} printed no RESULT:\n{harness.tail(out)}")
    data = json.loads(line[len("RESULT ") :])
    out.unlink(missing_ok=True)
    assert usage is not None
    return ChildResult(
        wall_s=data.pop("wall_s"),
        process_s=process_s,
        peak_rss_mb=data.pop("vmhwm_mb"),
        ru_maxrss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        cpu_s=usage.ru_utime + usage.ru_stime,
        detail=data,
        cpu=cpu,
    )


# ---- child roles ---------------------------------------------------------------------------------


def _vmhwm_mb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _settings(db_url: str, source_url: str) -> Any:
    from gateway.config import load_settings

    return load_settings(
        ROOT / "config.yaml",
        env={
            "GATEWAY_DATABASE_URL": db_url,
            "GATEWAY_SECRET_KEY": "bench",
            "GATEWAY_CATALOG_SOURCE_URL": source_url,
        },
    )


def role_simulator(a: argparse.Namespace) -> None:
    """The 事项库 simulator on a threaded werkzeug server; prints its port, serves until killed."""
    import logging

    from werkzeug.serving import make_server

    from adapters.catalog_source import create_simulator

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per page
    app = create_simulator(seed=a.seed, size=a.size)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"PORT {server.server_port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever(poll_interval=0.2)


class ChildPeak:
    """The largest VmHWM seen among this process's children, sampled every 0.1 s from /proc (the
    high-water mark of a child's own address space since its exec; rusage's ru_maxrss would include
    the moment it was still a forked copy of this process)."""

    def __init__(self) -> None:
        import threading

        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> ChildPeak:
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            for task in Path("/proc/self/task").iterdir():
                with contextlib.suppress(OSError, ValueError):
                    for pid in (task / "children").read_text().split():
                        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                            if line.startswith("VmHWM:"):
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))


def role_sync(a: argparse.Namespace) -> None:
    """One CatalogSync.run, wired as `flask catalog sync` wires it (Services.catalog_sync)."""
    from gateway.bootstrap import build

    services = build(_settings(a.db_url, a.source_url))
    watcher = ChildPeak().start()
    try:
        sync = services.catalog_sync(page_size=a.page_size)
        started = time.perf_counter()
        report = sync.run(full=a.full)
        wall = time.perf_counter() - started
    finally:
        services.close()
    counts = {k: v for k, v in vars(report).items() if k != "rejects"}
    # A full sync reads its listing in a child process of its own (adapters/base/apart.py): its peak
    # counts too. Both peaks are added, as if they had coincided (an upper bound).
    reader_mb = watcher.stop()
    print(
        "RESULT "
        + json.dumps(
            {
                "wall_s": wall,
                "vmhwm_mb": _vmhwm_mb() + reader_mb,
                "sync_vmhwm_mb": _vmhwm_mb(),
                "reader_peak_mb": reader_mb,
                "report": counts,
            }
        ),
        flush=True,
    )


def role_stream(a: argparse.Namespace) -> None:
    """The floor: the same pages through the same client, each record validated; no database."""
    import requests

    from adapters.base.http import HttpClient, make_session
    from adapters.catalog_source import CatalogSourceClient
    from schemas.catalog import validate_item

    settings = _settings("sqlite://", a.source_url)
    endpoint = settings.systems["catalog_source"]
    session: requests.Session = make_session()
    client = CatalogSourceClient(
        HttpClient("catalog_source", endpoint.base_url, session, timeout=(3.05, endpoint.timeout_seconds))
    )
    seen = valid = pages = 0
    codes: set[str] = set()  # the sync keeps the codes seen too
    started = time.perf_counter()
    for page in client.iter_pages(updated_since=a.since or None, page_size=a.page_size):
        pages += 1
        for record in page.records:
            seen += 1
            try:
                item = validate_item(record)
            except Exception:  # noqa: BLE001, S112 - counted like the sync's rejects
                continue
            valid += 1
            codes.add(item["item_code"])
    wall = time.perf_counter() - started
    session.close()
    print(
        "RESULT "
        + json.dumps({"wall_s": wall, "vmhwm_mb": _vmhwm_mb(), "seen": seen, "valid": valid, "pages": pages}),
        flush=True,
    )


# ---- the simulator process --------------------------------------------------------------------------


@dataclass
class Simulator:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        import requests

        r = requests.request(method, self.url + path, json=body, timeout=60)
        if r.status_code != 200:
            raise harness.BenchError(f"simulator {method} {path} -> {r.status_code}: {r.text[:300]}")
        return r.json().get("data") or {}


def start_simulator(seed: int, size: int, workdir: Path) -> Simulator:
    log = workdir / "simulator.log"
    proc = harness.spawn(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--role",
            "simulator",
            "--seed",
            str(seed),
            "--size",
            str(size),
        ],
        log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        m = re.search(r"^PORT (\d+)$", harness.tail(log, 50), re.M)
        if m:
            sim = Simulator(proc, f"http://127.0.0.1:{m.group(1)}", log)
            state = sim.call("GET", "/_sim/state")
            if state.get("size") != size:
                raise harness.BenchError(f"simulator state {state}")
            return sim
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise harness.BenchError(f"the simulator did not start:\n{harness.tail(log)}")


# ---- backends ----------------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    url: str
    info: str
    cleanup: Any = None
    dbname: str | None = None  # PostgreSQL: whose backends' CPU to count


def pg_backend(base_url: str) -> Backend:
    database = harness.throwaway_pg(base_url, "gateway_bench_cat_")
    return Backend("postgres", database.url, database.info, database.drop, database.name)


def sqlite_backend(workdir: Path) -> Backend:
    import sqlite3

    path = workdir / "catalog.db"
    return Backend("sqlite", f"sqlite:///{path}", f"SQLite {sqlite3.sqlite_version} (WAL), {path}")


def migrate(url: str, notes: list[str]) -> None:
    """Upgrade to head, as `flask db upgrade` does."""
    from gateway.persistence import migrate as migrations
    from gateway.persistence.db import make_engine

    engine = make_engine(url)
    try:
        migrations.upgrade(engine)
    finally:
        engine.dispose()


# ---- rows of the table ---------------------------------------------------------------------------------


@dataclass
class Row:
    backend: str
    measurement: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: float | None = None  # value must be <= target
    detail: str = ""
    disturbed: bool = False  # other jobs took more than --quiet-below % CPU meanwhile

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "PASS" if self.value <= self.target else "FAIL"


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "ms":
        return f"{v:.2f} ms" if v < 10 else f"{v:.1f} ms"
    if unit == "s":
        return f"{v:.3f} s" if v < 1 else f"{v:.1f} s" if v >= 10 else f"{v:.2f} s"
    if unit == "MB":
        return f"{v:.0f} MB"
    return f"{v:g} {unit}"


# ---- sync measurements -----------------------------------------------------------------------------------


def read_cursor(url: str) -> str | None:
    from sqlalchemy import text

    from gateway.persistence.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT value FROM sync_cursors WHERE name = :n"), {"n": CURSOR_NAME}
            ).scalar()
    finally:
        engine.dispose()


def _cpu_note(r: ChildResult) -> str:
    c = r.cpu
    if not c:
        return ""
    pg = f", postgres {c['pg_cpu_s']:.1f}" if c.get("pg_cpu_s") else ""
    return (
        f"cpu s: sync {c['child_cpu_s']:.1f}, simulator {c['sim_cpu_s']:.1f}{pg}; "
        f"other jobs {c['other_pct']:.0f}%"
    )


def measure_syncs(
    backend: Backend, sim: Simulator, args: argparse.Namespace, workdir: Path
) -> tuple[list[Row], dict[str, Any]]:
    log = workdir / f"{backend.name}-children.log"
    common = ["--source-url", sim.url, "--page-size", str(args.page_size)]
    sync_args = ["--role", "sync", "--db-url", backend.url, *common]
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    b = backend.name

    def child(label: str, role_args: list[str]) -> ChildResult:
        print(f"  {label:50}", end="", flush=True)
        harness.wait_quiet(args.quiet_below, args.wait_quiet)
        r = run_child(role_args, log, args.timeout, CpuWindow(sim.proc.pid, backend.dbname))
        raw[label] = asdict(r)
        return r

    def stream(label: str, since: str | None) -> ChildResult:
        r = child(label, ["--role", "stream", *common, "--since", since or ""])
        print(
            f" {r.wall_s:7.2f} s  {r.peak_rss_mb:4.0f} MB  ({r.detail['seen']} records, "
            f"{r.detail['pages']} pages; "
            f"{_cpu_note(r)})"
        )
        return r

    def sync(label: str, full: bool) -> ChildResult:
        r = child(label, [*sync_args, *(["--full"] if full else [])])
        rep = r.detail["report"]
        print(
            f" {r.wall_s:7.2f} s  {r.peak_rss_mb:4.0f} MB  (seen {rep['seen']}, new {rep['new']}, changed "
            f"{rep['changed']}, unchanged {rep['unchanged']}, retired {rep['retired']}; {_cpu_note(r)})"
        )
        return r

    def row(
        measurement: str, r: ChildResult, base: ChildResult, label: str, target: float, extra: str = ""
    ) -> Row:
        disturbed = max(r.cpu.get("other_pct", 0.0), base.cpu.get("other_pct", 0.0)) > args.quiet_below
        note = "; ".join(x for x in (extra, _cpu_note(r)) if x)
        return Row(b, measurement, r.wall_s, "s", base.wall_s, label, target, note, disturbed)

    sim.call("POST", "/_sim/reset")
    base_full = stream("baseline: stream all pages, validate, no db", None)
    full = sync("full sync (empty catalog)", True)
    if full.detail["report"]["new"] != args.size:
        raise harness.BenchError(f"full sync made {full.detail['report']['new']} items, not {args.size}")
    rows.append(
        row(f"full sync {args.size:,} items: wall", full, base_full, "stream+validate", TARGET_FULL_S)
    )
    rows.append(
        Row(
            b,
            "full sync: peak RSS of the sync (+ its reader)",
            full.peak_rss_mb,
            "MB",
            base_full.peak_rss_mb,
            "stream+validate",
            TARGET_RSS_MB,
        )
    )

    base_inc = stream("baseline: incremental listing, no changes", read_cursor(backend.url))
    inc = sync("re-sync, no changes, incremental", False)
    rows.append(
        row(
            "re-sync, no changes, incremental: wall",
            inc,
            base_inc,
            "stream that listing",
            TARGET_RESYNC_S,
            f"{inc.detail['report']['seen']} records listed",
        )
    )
    again = sync("re-sync, no changes, full", True)
    rows.append(
        row(
            "re-sync, no changes, full: wall",
            again,
            base_full,
            "stream+validate",
            TARGET_RESYNC_S,
            f"peak RSS {again.peak_rss_mb:.0f} MB",
        )
    )

    codes = sim.call("POST", "/_sim/change", {"n": CHANGED})["codes"]
    base_chg = stream(f"baseline: incremental listing after change({CHANGED})", read_cursor(backend.url))
    chg = sync(f"sync after change({CHANGED}), incremental", False)
    if chg.detail["report"]["changed"] != len(codes):
        raise harness.BenchError(
            f"the sync after change({CHANGED}) changed {chg.detail['report']['changed']} items"
        )
    rows.append(
        row(
            f"sync after change({CHANGED}), incremental: wall",
            chg,
            base_chg,
            "stream that listing",
            TARGET_CHANGE_S,
            f"{chg.detail['report']['seen']} records listed",
        )
    )
    return rows, raw


# ---- search measurements ----------------------------------------------------------------------------------

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


@dataclass
class Query:
    kind: str
    q: str | None
    department: str | None = None


def make_queries(url: str, n: int, seed: int) -> list[Query]:
    """A reproducible mix of what people type, drawn from the items now in the database."""
    from sqlalchemy import select

    from gateway.persistence.catalog_models import ServiceItem
    from gateway.persistence.db import make_engine
    from gateway.services.catalog.text import pinyin

    rng = random.Random(seed)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    ServiceItem.item_code, ServiceItem.name, ServiceItem.guide, ServiceItem.department_code
                )
                .where(ServiceItem.retired.is_(False))
                .order_by(ServiceItem.id)
            ).all()
    finally:
        engine.dispose()
    if not rows:
        raise harness.BenchError("no items to search")
    sample = rng.sample(rows, min(len(rows), 4000))
    departments = sorted({r.department_code for r in rows if r.department_code})

    def cjk_piece(text: str | None, length: int) -> str | None:
        runs = [run for run in _CJK_RUN.findall(text or "") if len(run) >= length]
        if not runs:
            return None
        run = rng.choice(runs)
        start = rng.randrange(len(run) - length + 1)
        return run[start : start + length]

    makers: list[tuple[str, Any]] = [
        ("zh2 name", lambda r: Query("zh2 name", cjk_piece(r.name, 2))),
        ("zh3 name", lambda r: Query("zh3 name", cjk_piece(r.name, 3))),
        ("zh4+ name", lambda r: Query("zh4+ name", cjk_piece(r.name, rng.randint(4, 8)))),
        ("zh3 guide", lambda r: Query("zh3 guide", cjk_piece(r.guide, 3))),
        ("zh4+ guide", lambda r: Query("zh4+ guide", cjk_piece(r.guide, rng.randint(4, 8)))),
        ("pinyin initials", lambda r: Query("pinyin initials", pinyin(r.name)[1][: rng.randint(2, 5)])),
        (
            "full pinyin",
            lambda r: Query("full pinyin", pinyin(cjk_piece(r.name, rng.randint(2, 4)) or "")[0]),
        ),
        ("item code", lambda r: Query("item code", r.item_code)),
        ("code prefix", lambda r: Query("code prefix", r.item_code[: rng.randint(10, len(r.item_code) - 4)])),
        ("zh2 + department", lambda r: Query("zh2 + department", cjk_piece(r.name, 2), r.department_code)),
        ("zh3 + department", lambda r: Query("zh3 + department", cjk_piece(r.name, 3), r.department_code)),
        ("department only", lambda r: Query("department only", None, rng.choice(departments))),
    ]
    queries: list[Query] = []
    i = 0
    while len(queries) < n:
        kind, make = makers[len(queries) % len(makers)]
        q = make(sample[i % len(sample)])
        i += 1
        if q.q is None and kind != "department only":
            continue
        if q.q == "":
            continue
        queries.append(q)
    rng.shuffle(queries)
    return queries


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[max(0, int(-(-q * len(s) // 1)) - 1)]


def measure_search(backend: Backend, args: argparse.Namespace) -> tuple[list[Row], dict[str, Any]]:
    from sqlalchemy import select

    from gateway.persistence.catalog_models import ServiceItem
    from gateway.persistence.db import Database, make_engine
    from gateway.services.catalog import CatalogService, summary

    queries = make_queries(backend.url, args.warmup_queries + args.queries, args.seed)
    db = Database(make_engine(backend.url))
    catalog = CatalogService(db)
    codes = [q.q for q in queries if q.kind == "item code" and q.q] or ["-"]
    times: list[float] = []
    cpus: list[float] = []  # CPU of this process per search (SQLite: all of it; PostgreSQL: the client side)
    lookups: list[float] = []
    by_kind: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    slowest: list[tuple[float, str, str | None, str | None, int]] = []

    def lookup(code: str) -> float:
        t0 = time.perf_counter()
        with db.read() as session:
            row = session.scalar(select(ServiceItem).where(ServiceItem.item_code == code))
            if row is not None:
                summary(row)
        return time.perf_counter() - t0

    harness.wait_quiet(args.quiet_below, args.wait_quiet)
    window = CpuWindow(None, backend.dbname).start()
    try:
        for i, query in enumerate(queries):
            c0, t0 = time.thread_time(), time.perf_counter()
            page = catalog.search(query.q, department=query.department, limit=20)
            elapsed, spent = time.perf_counter() - t0, time.thread_time() - c0
            took = lookup(codes[i % len(codes)])
            if i < args.warmup_queries:
                continue
            times.append(elapsed)
            cpus.append(spent)
            lookups.append(took)
            by_kind.setdefault(query.kind, []).append(elapsed)
            hits.setdefault(query.kind, []).append(page.total)
            slowest.append((elapsed, query.kind, query.q, query.department, page.total))
    finally:
        cpu = window.stop()
        db.dispose()
    slowest.sort(reverse=True)
    ms = 1000
    disturbed = cpu["other_pct"] > args.quiet_below
    pg = (
        f", postgres ~{1000 * cpu['pg_cpu_s'] / len(times):.1f} ms/query (avg)"
        if backend.dbname and times
        else ""
    )
    note = f"cpu p95 {_pct(cpus, 0.95) * ms:.1f} ms in this process{pg}; other jobs {cpu['other_pct']:.0f}%"
    rows = [
        Row(
            backend.name,
            f"search p{p} ({len(times)} queries)",
            _pct(times, p / 100) * ms,
            "ms",
            _pct(lookups, p / 100) * ms,
            "get by code",
            TARGET_SEARCH_P95_MS if p == 95 else None,
            note if p == 95 else "",
            disturbed,
        )
        for p in (50, 95, 99)
    ]
    kinds = {
        kind: {
            "n": len(v),
            "p50_ms": _pct(v, 0.5) * ms,
            "p95_ms": _pct(v, 0.95) * ms,
            "max_ms": max(v) * ms,
            "median_hits": sorted(hits[kind])[len(hits[kind]) // 2],
            "max_hits": max(hits[kind]),
        }
        for kind, v in by_kind.items()
    }
    raw = {
        "kinds": kinds,
        "slowest": [
            {"ms": t * ms, "kind": k, "q": q, "department": d, "total": n} for t, k, q, d, n in slowest[:15]
        ],
        "lookup_p50_ms": _pct(lookups, 0.5) * ms,
        "cpu": cpu,
        "process_cpu_p50_ms": _pct(cpus, 0.5) * ms,
        "process_cpu_p95_ms": _pct(cpus, 0.95) * ms,
    }
    return rows, raw


def pg_stats_note(url: str) -> str:
    """Whether autovacuum had analyzed the catalog tables when the search ran (plans depend on it)."""
    from sqlalchemy import text

    from gateway.persistence.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT relname, last_autoanalyze IS NOT NULL OR last_analyze IS NOT NULL, n_live_tup "
                    "FROM pg_stat_user_tables WHERE relname IN ('service_items', 'service_item_terms') "
                    "ORDER BY relname"
                )
            ).all()
    finally:
        engine.dispose()
    return ", ".join(f"{r[0]} {'analyzed' if r[1] else 'NOT analyzed'} ({r[2]} rows)" for r in rows)


# ---- report ------------------------------------------------------------------------------------------


CODE_UNDER_TEST = (
    "gateway/services/catalog/sync.py",
    "gateway/services/catalog/sync_writes.py",
    "gateway/services/catalog/reads.py",
    "gateway/services/catalog/text.py",
    "gateway/persistence/repositories/catalog_bulk.py",
    "gateway/persistence/repositories/catalog_search.py",
    "gateway/persistence/repositories/catalog_sync.py",
    "gateway/domain/catalog.py",
    "gateway/persistence/catalog_models.py",
    "gateway/persistence/db.py",
    "gateway/bootstrap.py",
    "schemas/catalog.py",
    "adapters/catalog_source/client.py",
    "adapters/catalog_source/wire.py",
)


def code_fingerprint() -> dict[str, str]:
    """sha256 (first 12 hex digits) of the code under test and of every migration: the results say which
    version they measured, and a change during the run (a shared work tree) is reported."""
    import hashlib

    paths = [ROOT / p for p in CODE_UNDER_TEST]
    paths += sorted((ROOT / "gateway" / "persistence" / "migrations" / "versions").glob("*.py"))
    out = {}
    for path in paths:
        with contextlib.suppress(OSError):
            out[str(path.relative_to(ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return out


def machine_info() -> dict[str, Any]:
    return harness.machine_info(**harness.versions("sqlalchemy"))


def render_table(rows: list[Row], enforce: bool) -> str:
    head = ["backend", "measurement", "value", "baseline", "ratio", "target", "verdict", "notes"]
    body = []
    for r in rows:
        base = f"{_fmt(r.baseline, r.unit)} ({r.baseline_label})" if r.baseline is not None else "-"
        target = f"<= {_fmt(r.target, r.unit)}" if r.target is not None else ""
        verdict = r.verdict if enforce or not r.verdict else f"({r.verdict})"
        body.append(
            [
                r.backend,
                r.measurement,
                _fmt(r.value, r.unit),
                base,
                f"{r.ratio:.2f}x" if r.ratio is not None else "-",
                target,
                verdict,
                ("* " if r.disturbed else "") + r.detail,
            ]
        )
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return "\n".join([line(head), "-" * (sum(widths) + 2 * (len(widths) - 1)), *map(line, body)])


# ---- main --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--backends", default="sqlite,postgres", help="comma list of sqlite, postgres")
    p.add_argument("--size", type=int, default=None, help="catalog items (default 100000; --quick 5000)")
    p.add_argument("--queries", type=int, default=None, help="measured searches (default 500; --quick 100)")
    p.add_argument("--warmup-queries", type=int, default=50, help="searches before measuring (default 50)")
    p.add_argument("--page-size", type=int, default=500, help="sync page size (default 500, as the CLI)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="simulator and query seed")
    harness.add_machine_options(p, wait_quiet_s=30.0, quiet_below=30.0)
    p.add_argument(
        "--timeout", type=float, default=1200.0, help="seconds any one sync may take before failing"
    )
    p.add_argument(
        "--quick", action="store_true", help="smoke run: 5,000 items, 100 queries, targets informational"
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (SQLite file, logs)")
    p.add_argument(
        "--json", type=Path, default=None, help="results file (default bench/results/catalog-<time>.json)"
    )
    # Roles of the child processes this benchmark starts (not for people).
    p.add_argument("--role", choices=("simulator", "sync", "stream"), help=argparse.SUPPRESS)
    p.add_argument("--db-url", help=argparse.SUPPRESS)
    p.add_argument("--source-url", help=argparse.SUPPRESS)
    p.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--since", default="", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.role:
        return args
    args.size = args.size if args.size is not None else (5000 if args.quick else 100_000)
    args.queries = args.queries if args.queries is not None else (100 if args.quick else 500)
    if not 1 <= args.size <= 100_000:
        p.error("--size must be 1-100000 (the simulator's limit)")
    if args.size <= CHANGED:
        p.error(f"--size must exceed {CHANGED} (the change step)")
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    bad = [b for b in args.backends if b not in ("sqlite", "postgres")]
    if bad or not args.backends:
        p.error(f"--backends: unknown {bad}; use sqlite, postgres")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.role:
        {"simulator": role_simulator, "sync": role_sync, "stream": role_stream}[args.role](args)
        return 0
    signal.signal(signal.SIGTERM, harness.on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    exe = sys.executable
    exe = os.path.relpath(exe, Path.cwd()) if exe.startswith(str(Path.cwd())) else exe
    command = shlex.join([exe, *sys.argv])
    info = machine_info()
    print(f"command: {command}")
    print(
        f"machine: {info['cpu_count']} cores ({info['cpus_usable']} usable, {info['cpu_model']}), "
        f"{info['memory']}, {info['python']}, SQLAlchemy {info['sqlalchemy']}, {info['platform']}, "
        f"load {info['loadavg_at_start']}"
    )
    print(
        f"catalog: simulator seed {args.seed}, {args.size:,} items, own process (werkzeug, threaded, "
        "real HTTP); "
        f"page size {args.page_size}; each sync and baseline in its own child process"
    )
    fingerprint = code_fingerprint()
    print(
        "code:    "
        + ", ".join(f"{Path(k).name} {fingerprint.get(k, '?')}" for k in CODE_UNDER_TEST[:3])
        + " (sha256, first 12; every file under test in the JSON)"
    )
    workdir = Path(tempfile.mkdtemp(prefix="gateway-bench-catalog-"))
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    notes: list[str] = []
    backends_info: dict[str, str] = {}
    status = 0
    sim: Simulator | None = None
    try:
        sim = start_simulator(args.seed, args.size, workdir)
        print(f"simulator: {sim.url} (pid {sim.proc.pid})")
        for name in args.backends:
            backend = pg_backend(args.pg_url) if name == "postgres" else sqlite_backend(workdir)
            backends_info[name] = backend.info
            print(f"{name}: {backend.info}")
            try:
                migrate(backend.url, notes)
                sync_rows, sync_raw = measure_syncs(backend, sim, args, workdir)
                rows += sync_rows
                if name == "postgres":
                    note = pg_stats_note(backend.url)
                    notes.append(f"postgres at search time: {note}")
                print(
                    f"  search: {args.warmup_queries} warm-up + {args.queries} measured queries …",
                    end="",
                    flush=True,
                )
                search_rows, search_raw = measure_search(backend, args)
                print(
                    " " + ", ".join(f"{r.measurement.split()[1]} {_fmt(r.value, 'ms')}" for r in search_rows)
                )
                rows += search_rows
                raw[name] = {"sync": sync_raw, "search": search_raw}
            finally:
                if backend.cleanup:
                    backend.cleanup()
        changed = sorted(k for k, v in code_fingerprint().items() if fingerprint.get(k) != v)
        if changed:
            notes.append(
                "WARNING: code under test changed DURING this run (each child imports it when it starts), so "
                f"measurements may mix versions: {', '.join(changed)}"
            )
        enforce = not args.quick
        table = render_table(rows, enforce)
        lines = ["", table, ""]
        lines.append(
            "value: sync wall = CatalogSync.run() inside its child (imports excluded); RSS = the child's "
            "peak (VmHWM of its /proc/self/status); search = CatalogService.search(q, department, limit=20) "
            "in process"
        )
        lines.append(
            "baseline: the floor for the same work -- the listing streamed through "
            "CatalogSourceClient.iter_pages with validate_item, no database (sync rows); one item by code "
            "via Database.read() (search rows)"
        )
        for name in args.backends:
            kinds = raw.get(name, {}).get("search", {}).get("kinds", {})
            if kinds:
                lines.append(
                    f"\n{name} search by kind: {'kind':18} {'n':>4} {'p50':>9} {'p95':>9} {'max':>9} "
                    f"{'hits(median/max)':>17}"
                )
                for kind, k in sorted(kinds.items(), key=lambda kv: -kv[1]["p95_ms"]):
                    lines.append(
                        f"{'':{len(name) + 18}}{kind:18} {k['n']:>4} {_fmt(k['p50_ms'], 'ms'):>9} "
                        f"{_fmt(k['p95_ms'], 'ms'):>9} {_fmt(k['max_ms'], 'ms'):>9} "
                        f"{k['median_hits']:>8}/{k['max_hits']}"
                    )
                lines.append(f"{name} slowest searches:")
                for s in raw[name]["search"]["slowest"][:6]:
                    lines.append(
                        f"    {s['ms']:8.1f} ms  {s['kind']:18} q={s['q']!r} department={s['department']} "
                        f"-> {s['total']} hits"
                    )
        if any(r.disturbed for r in rows):
            lines.append(
                f"* other jobs took more than {args.quiet_below:g}% of a core during that measurement "
                "(machine shared): wall times are inflated; the cpu seconds are the steadier figures"
            )
        lines += [f"note: {n}" for n in notes]
        failed = [r for r in rows if r.verdict == "FAIL"]
        lines.append("")
        if args.quick:
            lines.append("(--quick: a smoke run; targets are informational)")
        elif failed:
            lines.append(
                "FAIL: " + "; ".join(f"{r.backend} {r.measurement} {_fmt(r.value, r.unit)}" for r in failed)
            )
            status = 1
        else:
            lines.append("PASS: every target met")
        text = "\n".join(lines)
        print(text)
        harness.write_results(
            "catalog",
            args,
            {
                "command": command,
                "machine": info,
                "code_sha256_12": fingerprint,
                "backends": backends_info,
                "rows": [{**asdict(r), "ratio": r.ratio, "verdict": r.verdict} for r in rows],
                "raw": raw,
                "report": text,
                "notes": notes,
            },
        )
    except (harness.BenchError, KeyboardInterrupt, SystemExit) as err:
        status = harness.failure_status(err, "stopping children and dropping the database")
    except Exception:  # noqa: BLE001 - the benchmark broke: say where, clean up, exit 2
        traceback.print_exc()
        status = 2
    finally:
        harness.finish(workdir, keep=args.keep or status == 2)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Intake benchmark: the real gateway under gunicorn vs a bare JSON-insert endpoint, same run.

    .venv/bin/python bench/intake.py                       # sqlite and postgres, 10 s per measurement
    .venv/bin/python bench/intake.py --quick               # smoke run (short, targets informational)
    .venv/bin/python bench/intake.py --backends postgres --duration 20 --rate 300

For each backend (SQLite file in a temp dir; a throwaway PostgreSQL database `gateway_bench_<pid>`
created from --pg-url's server and dropped at the end) and each endpoint (the gateway's
`POST /api/v1/inquiries`, migrated and with a 12345 platform (system:hotline) key from the CLI;
bench/bare_app.py's `POST /bare/inquiries`), it starts gunicorn with the gateway's config file and the same
workers/threads, waits for /healthz, and measures:

  closed loop  --clients concurrent keep-alive clients, each sending the next request as soon as
               the previous answer is in, for --duration seconds after --warmup: max throughput.
  open loop    --rate requests per second on a fixed schedule for --duration seconds; latency is
               measured from each request's *scheduled* send time, so a stalled server cannot
               hide its queue (no coordinated omission).

The load comes from --procs separate driver processes (threads inside), so the driver's GIL does not
throttle it; on a 2-core machine the driver still competes with the server for CPU, which is why
the table shows CPU used by the server, the database and the driver during each measurement.

Targets: gateway intake >= 60% of the bare endpoint's closed-loop throughput (each backend), and
p99 <= 50 ms at --rate on PostgreSQL (with no errors and the rate actually delivered).
Exit status: 0 all targets met, 1 a target missed (not with --quick), 2 the benchmark itself failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing as mp
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402
from bench.payloads import InquiryStream  # noqa: E402

VENV_BIN = (
    ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "gunicorn").exists() else Path(sys.executable).parent
)
GATEWAY_PATH = "/api/v1/inquiries"
BARE_PATH = "/bare/inquiries"

TARGET_RATIO = 0.60
TARGET_P99_MS = 50.0


def run_cli(args: list[str], env: dict[str, str]) -> str:
    """Run a `flask --app wsgi …` command in the repository; its output, or exit with its error."""
    cmd = [str(VENV_BIN / "flask"), "--app", "wsgi", *args]
    done = subprocess.run(  # noqa: S603 - our own fixed command line
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise harness.BenchError(f"{shlex.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout


class ServerDied(harness.BenchError):
    """A server exited between or during measurements (crash, or a signal from outside)."""


NOTES: list[str] = []  # things the reader of the table should know (restarts, …)


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def tail(self, n: int = 30) -> str:
        return harness.tail(self.log, n)


def start_server(app: str, env: dict[str, str], log: Path) -> Server:
    """gunicorn with the gateway's config file on a free loopback port; returns once /healthz is 200."""
    for _attempt in range(3):
        port = harness.free_port()
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "--config",
            "python:gateway.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            # gunicorn >= 24 opens a control socket at one fixed path per user (~/.gunicorn/gunicorn.ctl):
            # every gunicorn on the machine would share it, and a `gunicornc` or another instance
            # could stop ours. The benchmark's servers stay private.
            "--no-control-socket",
            app,
        ]
        run_env = {**env, "GATEWAY_BIND": f"127.0.0.1:{port}"}
        proc = harness.spawn(cmd, log, env=run_env)
        server = Server(proc, port, log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return server
            except OSError:
                pass
            time.sleep(0.1)
        harness.stop(proc)
        if "Address already in use" not in server.tail():
            raise harness.BenchError(f"{shlex.join(cmd)} did not become healthy; log {log}:\n{server.tail()}")
    raise harness.BenchError(f"could not bind a port for {app}")


# ---- CPU accounting from /proc -----------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[int, int, str] | None:
    """(ppid, utime+stime ticks, comm) of a process, or None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), comm


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class CpuSnapshot:
    """CPU ticks per process, by role, and the machine's busy/total ticks."""

    server: dict[int, int]
    db: dict[int, int]
    driver: dict[int, int]
    busy: int
    total: int


def cpu_snapshot(server_pid: int, driver_pids: list[int], dbname: str | None) -> CpuSnapshot:
    """gunicorn's tree, PostgreSQL's backends for our database plus its shared helper processes
    (other users' backends are not ours), the driver processes, and the machine (/proc/stat)."""
    procs: dict[int, tuple[int, int, str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _proc_stat(int(entry))
            if st is not None:
                procs[int(entry)] = st
    tree = {server_pid}
    grew = True
    while grew:
        grew = False
        for pid, (ppid, _, _) in procs.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    db: dict[int, int] = {}
    if dbname:
        for pid, (_, ticks, comm) in procs.items():
            if comm.startswith("postgres"):
                cmd = _cmdline(pid)
                if f" {dbname} " in cmd or any(a in cmd for a in harness.PG_AUX):
                    db[pid] = ticks
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return CpuSnapshot(
        server={p: procs[p][1] for p in tree if p in procs},
        db=db,
        driver={p: procs[p][1] for p in driver_pids if p in procs},
        busy=sum(values) - idle,
        total=sum(values),
    )


def cpu_delta(a: CpuSnapshot, b: CpuSnapshot) -> dict[str, float]:
    """CPU seconds between two snapshots; a process born in between counts from zero."""

    def roles(before: dict[int, int], after: dict[int, int]) -> float:
        return sum(t - before.get(p, 0) for p, t in after.items()) / harness.TICKS

    return {
        "server": roles(a.server, b.server),
        "db": roles(a.db, b.db),
        "driver": roles(a.driver, b.driver),
        "busy": (b.busy - a.busy) / harness.TICKS,
        "total": (b.total - a.total) / harness.TICKS,
    }


# ---- the load driver (runs in separate processes) ---------------------------------------------------


class Client:
    """One keep-alive connection (http.client: a fraction of requests' CPU per call)."""

    def __init__(self, port: int, kind: str) -> None:
        self.port = port
        self.kind = kind
        self.conn: http.client.HTTPConnection | None = None
        self.session: Any = None
        self.reconnects = 0
        if kind == "requests":
            import requests

            self.session = requests.Session()
        else:
            self._connect()

    def _connect(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.session is not None:
            r = self.session.post(
                f"http://127.0.0.1:{self.port}{path}", data=body, headers=headers, timeout=30
            )
            return r.status_code, r.content
        assert self.conn is not None
        for attempt in (0, 1):
            try:
                self.conn.request("POST", path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self._connect()
                return resp.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection before reading this request.
                self._connect()
                self.reconnects += 1
                if attempt:
                    raise
        raise AssertionError("unreachable")


@dataclass
class DriverJob:
    mode: str  # closed | open
    port: int
    path: str
    headers: dict[str, str]
    proc_index: int
    procs: int
    threads: int
    start: float  # time.monotonic() (system-wide on Linux) when sending begins
    warmup: float
    duration: float
    rate: float
    seed: int
    id_prefix: str
    client: str


@dataclass
class DriverResult:
    latencies: list[float] = field(default_factory=list)  # seconds, of requests in the window
    ok: int = 0  # 201s counted in the window (closed: by completion; open: by scheduled time)
    completed: int = 0  # 201s that completed inside the window (the delivered rate)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    missed: int = 0  # open loop: scheduled in the window but never sent (driver gave up)
    late_sends: int = 0  # open loop: sent > 5 ms after schedule (every driver thread was busy)
    reconnects: int = 0
    cpu: float = 0.0  # this driver process's CPU seconds during the whole run


def _driver_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates us


def _client_or_none(job: DriverJob) -> Client | None:
    try:
        return Client(job.port, job.client)
    except OSError:
        return None  # counted as an error on first use


def run_driver(job: DriverJob) -> DriverResult:
    """Entry point of one driver process: job.threads client threads, closed or open loop."""
    cpu0 = time.process_time()
    result = DriverResult()
    lock = threading.Lock()
    window_start = job.start + job.warmup
    window_end = window_start + job.duration
    statuses: Counter[str] = Counter()
    # open loop: this process owns the global slots proc_index, proc_index + procs, …
    interval = job.procs / job.rate if job.rate else 0.0
    first = job.start + job.proc_index / job.rate if job.rate else 0.0
    n_slots = int(math.ceil((window_end - first) / interval)) if job.mode == "open" else 0
    next_slot = iter(range(n_slots))
    give_up = window_end + 5.0

    def record(status: int | None, body: bytes, t_ref: float, t_done: float, err: str | None) -> None:
        if status == 201 and window_start <= t_done < window_end:
            with lock:
                result.completed += 1
        in_window = window_start <= (t_ref if job.mode == "open" else t_done) < window_end
        if not in_window:
            return
        with lock:
            key = str(status) if status is not None else "exception"
            statuses[key] += 1
            if status == 201:
                result.ok += 1
                result.latencies.append(t_done - t_ref)
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(err or f"{status}: {body[:300].decode(errors='replace')}")

    def thread_main(t_index: int) -> None:
        reconnects = 0
        stream = InquiryStream(
            job.seed * 1000 + job.proc_index * 100 + t_index, f"{job.id_prefix}{job.proc_index}{t_index:02d}-"
        )
        client = _client_or_none(job)
        time.sleep(max(0.0, job.start - time.monotonic()))
        try:
            while True:
                if job.mode == "closed":
                    t_ref = time.monotonic()
                    if t_ref >= window_end:
                        break
                else:
                    with lock:
                        slot = next(next_slot, None)
                    if slot is None:
                        break
                    t_ref = first + slot * interval
                    now = time.monotonic()
                    if now > give_up:
                        if window_start <= t_ref < window_end:
                            with lock:
                                result.missed += 1
                        continue
                    if t_ref > now:
                        time.sleep(t_ref - now)
                    elif now - t_ref > 0.005 and window_start <= t_ref < window_end:
                        with lock:
                            result.late_sends += 1
                body = json.dumps(stream.next(), ensure_ascii=False).encode()
                try:
                    if client is None:
                        client = Client(job.port, job.client)
                    status, data = client.post(job.path, body, job.headers)
                    record(status, data, t_ref, time.monotonic(), None)
                except Exception as err:  # noqa: BLE001 - counted and sampled
                    record(None, b"", t_ref, time.monotonic(), f"{type(err).__name__}: {err}")
                    if client is not None:
                        reconnects += client.reconnects
                    client = None
                    if job.mode == "closed":
                        time.sleep(0.01)  # a dead server should not turn into a busy loop
        finally:
            with lock:
                result.reconnects += reconnects + (client.reconnects if client is not None else 0)

    threads = [threading.Thread(target=thread_main, args=(i,), daemon=True) for i in range(job.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.statuses = dict(statuses)
    result.cpu = time.process_time() - cpu0
    return result


# ---- one measurement ---------------------------------------------------------------------------------


@dataclass
class Measurement:
    backend: str
    endpoint: str  # intake | bare
    mode: str  # closed | open
    duration: float
    concurrency: int
    rate: float | None
    requests: int
    throughput: float
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    errors: int
    missed: int
    late_sends: int
    statuses: dict[str, int]
    error_samples: list[str]
    cpu: dict[str, float]  # percent of one core, during the window
    server_cpu_ms_per_req: float | None
    db_cpu_ms_per_req: float | None
    reconnects: int
    busy_before: float | None  # machine CPU% just before the run (other jobs), if checked
    round: int = 1


def _pct(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)] * 1000


def measure(
    pool: Any,
    driver_pids: list[int],
    server: Server,
    *,
    backend: str,
    endpoint: str,
    mode: str,
    path: str,
    headers: dict[str, str],
    args: argparse.Namespace,
    tag: str,
    dbname: str | None,
) -> Measurement:
    idle_busy = harness.wait_quiet(args.quiet_below, args.wait_quiet) if args.wait_quiet > 0 else None
    if server.proc.poll() is not None:
        raise ServerDied(f"the {endpoint} server exited before the run:\n{server.tail(6)}")
    procs = args.procs
    total_threads = args.clients if mode == "closed" else args.open_concurrency
    per_proc = [total_threads // procs + (1 if i < total_threads % procs else 0) for i in range(procs)]
    warmup = args.warmup if mode == "closed" else min(1.0, args.warmup)
    start = time.monotonic() + 1.0  # time for the drivers to connect
    jobs = [
        DriverJob(
            mode=mode,
            port=server.port,
            path=path,
            headers=headers,
            proc_index=i,
            procs=procs,
            threads=per_proc[i],
            start=start,
            warmup=warmup,
            duration=args.duration,
            rate=args.rate if mode == "open" else 0.0,
            seed=args.seed,
            id_prefix=f"GD{tag}{mode[0]}",
            client=args.client,
        )
        for i in range(procs)
    ]
    pending = pool.map_async(run_driver, jobs)
    window_start = start + warmup
    time.sleep(max(0.0, window_start - time.monotonic()))
    before = cpu_snapshot(server.proc.pid, driver_pids, dbname)
    time.sleep(max(0.0, window_start + args.duration - time.monotonic()))
    after = cpu_snapshot(server.proc.pid, driver_pids, dbname)
    results: list[DriverResult] = pending.get(timeout=args.duration + warmup + 120)
    if server.proc.poll() is not None:
        raise ServerDied(f"the {endpoint} server exited during the run:\n{server.tail(6)}")

    latencies = sorted(x for r in results for x in r.latencies)
    ok = sum(r.ok for r in results)
    completed = sum(r.completed for r in results)
    statuses: Counter[str] = Counter()
    for r in results:
        statuses.update(r.statuses)
    d = cpu_delta(before, after)
    span = args.duration
    cpu = {
        "server": 100 * d["server"] / span,
        "db": 100 * d["db"] / span,
        "driver": 100 * d["driver"] / span,
        "machine": 100 * d["busy"] / d["total"] * (os.cpu_count() or 1) if d["total"] else 0.0,
    }
    # Everything else busy on the machine meanwhile (other jobs, the kernel, this harness).
    cpu["other"] = max(0.0, cpu["machine"] - cpu["server"] - cpu["db"] - cpu["driver"])
    return Measurement(
        backend=backend,
        endpoint=endpoint,
        mode=mode,
        duration=span,
        concurrency=total_threads,
        rate=args.rate if mode == "open" else None,
        requests=ok,
        throughput=completed / span,
        p50_ms=_pct(latencies, 0.50),
        p90_ms=_pct(latencies, 0.90),
        p99_ms=_pct(latencies, 0.99),
        max_ms=latencies[-1] * 1000 if latencies else None,
        errors=sum(r.errors for r in results),
        missed=sum(r.missed for r in results),
        late_sends=sum(r.late_sends for r in results),
        statuses=dict(statuses),
        error_samples=[s for r in results for s in r.error_samples][:5],
        cpu=cpu,
        server_cpu_ms_per_req=1000 * d["server"] / completed if completed else None,
        db_cpu_ms_per_req=1000 * d["db"] / completed if completed and backend == "postgres" else None,
        reconnects=sum(r.reconnects for r in results),
        busy_before=idle_busy,
    )


# ---- backends -----------------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    gateway_url: str
    bare_url: str
    cleanup: Any = None
    info: str = ""
    dbname: str | None = None  # PostgreSQL: whose backends' CPU to count


def pg_backend(base_url: str) -> Backend:
    database = harness.throwaway_pg(base_url, "gateway_bench_")
    return Backend("postgres", database.url, database.url, database.drop, database.info, database.name)


def sqlite_backend(workdir: Path) -> Backend:
    import sqlite3

    d = workdir / "sqlite"
    d.mkdir()
    return Backend(
        "sqlite",
        f"sqlite:///{d / 'gateway.db'}",
        f"sqlite:///{d / 'bare.db'}",
        None,
        f"SQLite {sqlite3.sqlite_version} (WAL), files in {d}",
    )


def run_backend(
    backend: Backend,
    args: argparse.Namespace,
    workdir: Path,
    pool: Any,
    driver_pids: list[int],
) -> list[Measurement]:
    base_env = {
        **os.environ,
        "GATEWAY_WORKERS": str(args.workers),
        "GATEWAY_THREADS": str(args.threads),
        "PYTHONUNBUFFERED": "1",
    }
    base_env.pop("GATEWAY_CONFIG", None)  # the repository's config.yaml
    genv = {
        **base_env,
        "GATEWAY_DATABASE_URL": backend.gateway_url,
        "GATEWAY_SECRET_KEY": "bench",
        "GATEWAY_CALLER_KEY_SECRET": "bench",
    }
    run_cli(["db", "upgrade"], genv)
    # The 12345 platform's own key: only a channel's system may give its external_id (the body's).
    out = run_cli(["keys", "create", "--role", "system:hotline", "--name", "压测12345平台"], genv)
    key = out.strip().rsplit(": ", 1)[-1]
    if not key.startswith("gw_"):
        raise harness.BenchError(f"unexpected output of keys create: {out!r}")
    benv = {**base_env, "BENCH_BARE_DATABASE_URL": backend.bare_url, "GATEWAY_DATABASE_URL": backend.bare_url}
    json_headers = {"Content-Type": "application/json"}
    endpoints = [
        ("bare", "bench.bare_app:app", benv, BARE_PATH, json_headers),
        ("intake", "wsgi:app", genv, GATEWAY_PATH, {**json_headers, "Authorization": f"Bearer {key}"}),
    ]
    results: list[Measurement] = []
    tag = f"{os.getpid() % 100000:05d}{backend.name[0]}"
    servers: dict[str, Server] = {}
    try:
        # Both servers stay up (an idle one costs nothing) so that rounds can alternate between them:
        # load from other jobs on the machine then hits both endpoints alike.
        def launch(endpoint: str, app: str, env: dict[str, str], path: str, headers: dict[str, str]) -> None:
            servers[endpoint] = start_server(app, env, workdir / f"{backend.name}-{endpoint}.log")
            _smoke(servers[endpoint], path, headers, f"{tag}{endpoint[0]}{len(NOTES)}")

        for endpoint, app, env, path, headers in endpoints:
            print(f"  {endpoint:6} gunicorn {app}", end="", flush=True)
            launch(endpoint, app, env, path, headers)
            print(f" on port {servers[endpoint].port}: healthy, smoke request 201")
        for mode in ("closed", "open"):
            for rnd in range(args.rounds):
                for endpoint, app, env, path, headers in endpoints:
                    label = (
                        f"closed loop, {args.clients} clients"
                        if mode == "closed"
                        else f"open loop, {args.rate:g}/s"
                    )
                    print(f"  {endpoint:6} {label}, round {rnd + 1}/{args.rounds} …", end="", flush=True)
                    for attempt in range(3):
                        try:
                            m = measure(
                                pool,
                                driver_pids,
                                servers[endpoint],
                                backend=backend.name,
                                endpoint=endpoint,
                                mode=mode,
                                path=path,
                                headers=headers,
                                args=args,
                                tag=f"{tag}{endpoint[0]}{rnd}{attempt}",
                                dbname=backend.dbname,
                            )
                            break
                        except ServerDied as err:
                            # Seen on shared machines: a stale killpg() from another job whose old pid
                            # now names our gunicorn's process group. Restart and redo the round.
                            if attempt == 2:
                                raise
                            last = [ln for ln in str(err).splitlines() if ln.strip()][-3:]
                            NOTES.append(
                                f"{backend.name}/{endpoint} {mode} round {rnd + 1}: server exited "
                                f"(log: {' | '.join(last)}); restarted, round redone"
                            )
                            print(" server exited; restarting and redoing the round …", end="", flush=True)
                            harness.stop(servers[endpoint].proc)
                            launch(endpoint, app, env, path, headers)
                    m.round = rnd + 1
                    results.append(m)
                    print(
                        f" {m.throughput:.0f} req/s, p50 {_ms(m.p50_ms)} ms, p99 {_ms(m.p99_ms)} ms, "
                        f"errors {m.errors + m.missed}, other jobs {m.cpu['other']:.0f}% cpu"
                    )
                    time.sleep(0.5)
    finally:
        for server in servers.values():
            harness.stop(server.proc)
    return results


def _smoke(server: Server, path: str, headers: dict[str, str], tag: str) -> None:
    """One request before measuring: a wrong key or a 500 should stop the run, not fill the table."""
    body = json.dumps(InquiryStream(0, f"GD{tag}smoke-").next(), ensure_ascii=False).encode()
    client = Client(server.port, "http.client")
    status, data = client.post(path, body, headers)
    if status != 201:
        raise harness.BenchError(f"smoke request to {path} got {status}: {data[:500]!r}\n{server.tail()}")


# ---- report --------------------------------------------------------------------------------------------


def _ms(v: float | None) -> str:
    return "-" if v is None else (f"{v:.1f}" if v < 100 else f"{v:.0f}")


def machine_info(args: argparse.Namespace) -> dict[str, Any]:
    import gunicorn

    return harness.machine_info(gunicorn=gunicorn.__version__, workers=args.workers, threads=args.threads)


def _cpu_per_request(m: Measurement) -> float | None:
    """CPU ms (server + database + driver) per completed request."""
    if not m.throughput:
        return None
    return 10 * (m.cpu["server"] + m.cpu["db"] + m.cpu["driver"]) / m.throughput


def summarize(
    results: list[Measurement],
) -> dict[tuple[str, str, str], tuple[Measurement, list[Measurement]]]:
    """Per (backend, endpoint, mode): the median round (by throughput closed, by p99 open) and all rounds."""
    groups: dict[tuple[str, str, str], list[Measurement]] = {}
    for m in results:
        groups.setdefault((m.backend, m.endpoint, m.mode), []).append(m)
    out = {}
    for key, rounds in groups.items():
        if key[2] == "closed":
            ordered = sorted(rounds, key=lambda m: m.throughput)
        else:
            ordered = sorted(rounds, key=lambda m: m.p99_ms if m.p99_ms is not None else math.inf)
        out[key] = (ordered[(len(ordered) - 1) // 2], rounds)
    return out


def print_report(
    results: list[Measurement],
    args: argparse.Namespace,
) -> tuple[list[tuple[str, bool, str]], str]:
    lines = []
    head = (
        f"{'backend':9} {'endpoint':8} {'mode':22} {'req/s':>6} {'(rounds)':>15} {'p50':>6} {'p90':>6} "
        f"{'p99':>6} {'(rounds)':>15} {'max':>6} {'errors':>6} {'srv ms/req':>10} {'db ms/req':>9} "
        f"{'cpu% srv/db/drv/other':>22}"
    )
    lines += [head, "-" * len(head)]
    summary = summarize(results)
    for (_backend, _endpoint, _mode), (m, rounds) in summary.items():
        mode = (
            f"closed, {m.concurrency} clients"
            if m.mode == "closed"
            else f"open, {m.rate:g}/s ({m.concurrency} max)"
        )
        err = sum(r.errors + r.missed for r in rounds)
        noisy = any(r.cpu.get("other", 0.0) > args.quiet_below for r in rounds)
        cpu = "{server:.0f}/{db:.0f}/{driver:.0f}/{other:.0f}".format(**m.cpu)
        tput = "/".join(f"{r.throughput:.0f}" for r in rounds) if len(rounds) > 1 else ""
        p99s = "/".join(_ms(r.p99_ms) for r in rounds) if len(rounds) > 1 else ""
        lines.append(
            f"{m.backend:9} {m.endpoint:8} {mode:22} {m.throughput:6.0f} {tput:>15} {_ms(m.p50_ms):>6} "
            f"{_ms(m.p90_ms):>6} {_ms(m.p99_ms):>6} {p99s:>15} {_ms(m.max_ms):>6} {err:>6} "
            f"{_ms(m.server_cpu_ms_per_req):>10} {_ms(m.db_cpu_ms_per_req):>9} {cpu:>22}"
            f"{' *' if noisy else ''}"
        )
    lines.append(
        f"median of {args.rounds} alternating round(s) of {args.duration:g} s (closed: by req/s, open: by "
        "p99); (rounds) lists every round"
    )
    lines.append(
        "req/s: 201s completed per second in the window; latencies in ms, open loop from the scheduled "
        "send time; errors: non-201, failed or given-up requests, all rounds"
    )
    lines.append(
        f"cpu%: of one core (machine max {100 * (os.cpu_count() or 1)}%) for gunicorn, this database's "
        "postgres processes, the driver, and everything else busy meanwhile; srv/db ms/req: CPU per "
        "completed request"
    )
    if any(r.cpu.get("other", 0.0) > args.quiet_below for r in results):
        lines.append(
            f"* other jobs used > {args.quiet_below:g}% CPU in some round: disturbed; rerun on a quiet "
            "machine before trusting absolute numbers"
        )

    verdicts: list[tuple[str, bool, str]] = []
    for backend in dict.fromkeys(m.backend for m in results):
        intake = summary.get((backend, "intake", "closed"))
        bare = summary.get((backend, "bare", "closed"))
        if intake and bare and bare[0].throughput:
            ratio = intake[0].throughput / bare[0].throughput
            # On a CPU-bound machine throughput ~ 1 / CPU per request (server + database + driver); this
            # ratio hardly moves when other jobs take CPU away, unlike the req/s themselves.
            cpu_i, cpu_b = _cpu_per_request(intake[0]), _cpu_per_request(bare[0])
            est = f"; CPU-per-request ratio {cpu_b / cpu_i:.0%}" if cpu_i and cpu_b else ""
            verdicts.append(
                (
                    f"{backend}: intake throughput >= {TARGET_RATIO:.0%} of bare",
                    ratio >= TARGET_RATIO,
                    f"{intake[0].throughput:.0f} / {bare[0].throughput:.0f} req/s = {ratio:.0%} "
                    f"(intake/bare){est}",
                )
            )
        opened = summary.get((backend, "intake", "open"))
        if opened:
            o = opened[0]
            delivered = o.throughput >= 0.95 * args.rate
            ok = (
                o.p99_ms is not None
                and o.p99_ms <= TARGET_P99_MS
                and o.errors == 0
                and o.missed == 0
                and delivered
            )
            detail = (
                f"p99 {_ms(o.p99_ms)} ms, {o.throughput:.0f} req/s delivered, {o.errors} errors, "
                f"{o.missed} given up"
            )
            name = f"{backend}: intake p99 <= {TARGET_P99_MS:g} ms at {args.rate:g} req/s"
            if backend == "postgres":
                verdicts.append((name, ok, detail))
            else:
                lines.append(f"(info, no target on SQLite) {name}: {'yes' if ok else 'no'} - {detail}")
    lines.append("")
    for name, ok, detail in verdicts:
        lines.append(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    lines += [f"note: {n}" for n in NOTES]
    for m in results:
        if m.errors or m.missed:
            lines.append(
                f"errors in {m.backend}/{m.endpoint}/{m.mode} round {m.round}: {m.statuses} "
                f"given up={m.missed}"
            )
            lines += [f"    {s}" for s in m.error_samples]
    text = "\n".join(lines)
    print(text)
    return verdicts, text


# ---- main -------------------------------------------------------------------------------------------------


# How hard and how long the loops drive the apps: (flag, type, default, help).
_LOAD_OPTIONS: tuple[tuple[str, type, float, str], ...] = (
    ("--duration", float, 10.0, "seconds measured per loop (default 10)"),
    ("--warmup", float, 3.0, "closed-loop warmup seconds, not measured"),
    ("--rate", float, 300.0, "open-loop requests per second (default 300)"),
    (
        "--rounds",
        int,
        3,
        "alternate bare/intake this many times per loop kind; the table shows the median round",
    ),
    ("--clients", int, 16, "closed-loop concurrent clients (default 16)"),
    (
        "--open-concurrency",
        int,
        32,
        "open loop: most requests in flight (driver threads); a slot waits for a free one",
    ),
    ("--procs", int, 2, "driver processes (default 2)"),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--backends", default="sqlite,postgres", help="comma list of sqlite, postgres")
    for flag, kind, default, text in _LOAD_OPTIONS:
        p.add_argument(flag, type=kind, default=default, help=text)
    p.add_argument(
        "--client",
        choices=("http.client", "requests"),
        default="http.client",
        help="HTTP client in the driver; http.client costs the shared CPUs less than requests",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("GATEWAY_WORKERS", "2")),
        help="gunicorn workers for both apps (GATEWAY_WORKERS, default 2)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("GATEWAY_THREADS", "4")),
        help="gunicorn threads per worker for both apps (GATEWAY_THREADS, default 4)",
    )
    harness.add_machine_options(p, wait_quiet_s=60.0, quiet_below=30.0)
    p.add_argument("--seed", type=int, default=12345, help="payload seed (default 12345)")
    p.add_argument(
        "--quick", action="store_true", help="smoke run: 2 s loops, 1 s warmup, targets not enforced"
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (server logs, SQLite files)")
    p.add_argument(
        "--json",
        type=Path,
        default=None,
        help="write results here (default bench/results/intake-<time>.json)",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 2.0)
        args.warmup = min(args.warmup, 1.0)
        args.rounds = 1
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    bad = [b for b in args.backends if b not in ("sqlite", "postgres")]
    if bad or not args.backends:
        p.error(f"--backends: unknown {bad}; use sqlite, postgres")
    if args.procs < 1 or args.clients < args.procs or args.open_concurrency < args.procs:
        p.error("--clients and --open-concurrency must be >= --procs >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, harness.on_sigterm)
    # Ctrl-C must reach us even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    command = shlex.join(
        [
            os.path.relpath(sys.executable, Path.cwd())
            if sys.executable.startswith(str(Path.cwd()))
            else sys.executable,
            *sys.argv,
        ]
    )
    info = machine_info(args)
    print(f"command: {command}")
    print(
        f"machine: {info['cpu_count']} cores ({info['cpus_usable']} usable, {info['cpu_model']}), "
        f"{info['memory']}, {info['python']}, {info['platform']}, "
        f"load {info['loadavg_at_start']}"
    )
    print(
        f"server:  gunicorn {info['gunicorn']} --config python:gateway.gunicorn_conf, gthread, "
        f"{args.workers} workers x {args.threads} threads, access log on (to a file), same for both apps"
    )
    print(
        f"driver:  {args.procs} processes, {args.client}, closed loop {args.clients} clients, open loop "
        f"{args.rate:g}/s (<= {args.open_concurrency} in flight); warmup {args.warmup:g} s, "
        f"{args.duration:g} s "
        "per loop; the driver shares the CPUs with the server"
    )

    workdir = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
    results: list[Measurement] = []
    backends_info: dict[str, str] = {}
    ctx = mp.get_context("fork")
    pool = ctx.Pool(args.procs, initializer=_driver_init)
    status = 0
    try:
        driver_pids = [p.pid for p in pool._pool]  # type: ignore[attr-defined]
        for name in args.backends:
            backend = pg_backend(args.pg_url) if name == "postgres" else sqlite_backend(workdir)
            backends_info[name] = backend.info
            print(f"{name}: {backend.info}")
            try:
                results += run_backend(backend, args, workdir, pool, driver_pids)
            finally:
                if backend.cleanup:
                    backend.cleanup()
        print()
        verdicts, text = print_report(results, args)
        if args.quick:
            print("(--quick: a smoke run; targets are informational)")
        elif not all(ok for _, ok, _ in verdicts):
            status = 1
        harness.write_results(
            "intake",
            args,
            {
                "command": command,
                "machine": info,
                "backends": backends_info,
                "results": [asdict(m) for m in results],
                "verdicts": [{"target": n, "pass": ok, "detail": d} for n, ok, d in verdicts],
                "report": text,
                "notes": NOTES,
            },
        )
    except (harness.BenchError, KeyboardInterrupt, SystemExit) as err:
        status = harness.failure_status(err, "stopping servers and dropping the database")
    finally:
        pool.terminate()
        pool.join()
        harness.finish(workdir, keep=args.keep or status == 2)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""What the benchmarks (intake, catalog, delivery) share: the processes they start and always stop, CPU
readings from /proc, a throwaway PostgreSQL database, and the description of the machine they ran on.

Each script keeps its own scenario and measurement; this module is the part that is the same for all.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TICKS = os.sysconf("SC_CLK_TCK")
# PostgreSQL's shared helper processes: their work for our database counts as the database's.
PG_AUX = ("checkpointer", "background writer", "walwriter", "autovacuum", "logical replication", "stats")


class BenchError(Exception):
    """The benchmark could not run (not: the gateway was slow)."""


# ---- processes we start: always cleaned up -------------------------------------------------------

children: list[subprocess.Popen[bytes]] = []

# Exec wrapper: the command gets SIGTERM if this benchmark dies, even by SIGKILL (PR_SET_PDEATHSIG
# survives exec; the pid stays the same, so os.wait4 on it still reports the real child's rusage).
# A wrapper rather than preexec_fn, which is unsafe with threads.
DIE_WITH_PARENT = (
    "import ctypes, os, sys\n"
    "try: ctypes.CDLL('libc.so.6').prctl(1, 15)\n"
    "except Exception: pass\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def spawn(cmd: list[str], out: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start cmd in its own process group, output appended to out; stopped by stop_all() at the end."""
    with out.open("ab") as fh:
        proc = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [sys.executable, "-c", DIE_WITH_PARENT, *cmd],
            cwd=ROOT,
            env=env or {**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    children.append(proc)
    return proc


def stop(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the process group we created (e.g. gunicorn master + workers), then SIGKILL if needed.

    Signals go to the group only while its leader is alive and not yet reaped: once reaped, its pid
    (pid_max may be only 32768) can belong to someone else's new process group."""
    if proc.returncode is None and proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    if proc in children:
        children.remove(proc)


def stop_all() -> None:
    """Stop every process spawn() started and nobody stopped yet."""
    for proc in list(children):
        stop(proc, grace=3.0)


def on_sigterm(signum: int, _frame: Any) -> None:
    """A SIGTERM handler: exit through the finally blocks, which stop servers and drop databases."""
    raise SystemExit(128 + signum)


def tail(path: Path, n: int = 25) -> str:
    """The last n lines of a log file ("" if it cannot be read)."""
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    return ""


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- CPU accounting from /proc --------------------------------------------------------------------


def proc_ticks(pid: int) -> int | None:
    """utime + stime of a process in clock ticks, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def machine_ticks() -> tuple[int, int]:
    """The machine's (busy, total) clock ticks since boot; idle and iowait are not busy."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)


def pg_processes(dbname: str, helpers: bool = True) -> list[int]:
    """This database's PostgreSQL backends, and with helpers the server's shared helper processes
    (other databases' backends are not ours)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if not Path(f"/proc/{entry}/comm").read_text().startswith("postgres"):
                continue
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f" {dbname} " in cmd or (helpers and any(a in cmd for a in PG_AUX)):
            pids.append(int(entry))
    return pids


def machine_busy(seconds: float = 1.0) -> float:
    """Percent of one core busy on the whole machine over the next seconds (max 100 x cores)."""
    b0, t0 = machine_ticks()
    time.sleep(seconds)
    b1, t1 = machine_ticks()
    return 100 * (b1 - b0) / max(1, t1 - t0) * (os.cpu_count() or 1)


def wait_quiet(limit: float, max_wait: float) -> float | None:
    """Wait (up to max_wait s) until the machine is quieter than limit % of one core busy; the last
    reading, or None when max_wait is 0 (no waiting, no reading)."""
    if max_wait <= 0:
        return None
    deadline = time.monotonic() + max_wait
    busy = machine_busy()
    if busy > limit:
        print(
            f" [machine {busy:.0f}% busy, waiting up to {max_wait:.0f} s for < {limit:.0f}%]",
            end="",
            flush=True,
        )
    while busy > limit and time.monotonic() < deadline:
        busy = machine_busy(2.0)
    return busy


# ---- a throwaway PostgreSQL database --------------------------------------------------------------


@dataclass(frozen=True)
class PgDatabase:
    name: str
    url: str  # postgresql+psycopg, password in clear (for the gateway's settings)
    version: str
    drop: Callable[[], None]

    @property
    def info(self) -> str:
        return f"PostgreSQL {self.version}, database {self.name} (dropped at the end)"


def throwaway_pg(base_url: str, prefix: str) -> PgDatabase:
    """CREATE DATABASE <prefix><pid> on base_url's server, first dropping the <prefix><pid> databases of
    earlier runs killed hard (pid gone); other names are not ours."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(base_url)
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"{prefix}{os.getpid()}"
    try:
        admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5)
    except psycopg.Error as err:
        raise BenchError(f"cannot connect to PostgreSQL at {base.render_as_string()}: {err}") from None
    with admin:
        server_version = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        pattern = f"^{re.escape(prefix)}[0-9]+$"
        for (stale,) in admin.execute(
            "SELECT datname FROM pg_database WHERE datname ~ %s", (pattern,)
        ).fetchall():
            pid = stale.rsplit("_", 1)[-1]
            if int(pid) != os.getpid() and not Path(f"/proc/{pid}").exists():
                admin.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
                print(f"  dropped stale database {stale}")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    return PgDatabase(name, url, str(server_version), drop)


# ---- the machine a table was measured on, and the options every benchmark takes -------------------


def versions(*packages: str) -> dict[str, str]:
    """Installed versions of the named distributions ("-" for one that is not installed)."""
    found = {}
    for package in packages:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "-"
    return found


def machine_info(**extra: Any) -> dict[str, Any]:
    """CPU, memory, Python and platform, the load at the start, and what the benchmark adds."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError):
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory": memory,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "loadavg_at_start": os.getloadavg(),
        **extra,
    }


def add_machine_options(parser: argparse.ArgumentParser, wait_quiet_s: float, quiet_below: float) -> None:
    """--pg-url, --wait-quiet and --quiet-below, the same in every benchmark."""
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL") or os.environ.get("GATEWAY_TEST_PG_URL") or DEFAULT_PG_URL,
        help="a PostgreSQL server to CREATE/DROP the benchmark's own database on",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=wait_quiet_s,
        help=f"before each measurement, wait up to this many s for other jobs to calm down "
        f"(0: never; default {wait_quiet_s:g})",
    )
    parser.add_argument(
        "--quiet-below",
        type=float,
        default=quiet_below,
        help=f"'calm': other jobs below this CPU%% of one core (default {quiet_below:g})",
    )


def failure_status(err: BaseException, stopping: str) -> int:
    """Say why the benchmark stopped (could not run, ^C, SIGTERM) and what is cleaned up; its exit status."""
    if isinstance(err, BenchError):
        print(f"\nbenchmark failed: {err}", file=sys.stderr)
        return 2
    if isinstance(err, KeyboardInterrupt):
        print(f"\ninterrupted; {stopping}", file=sys.stderr)
        return 130
    print(f"\nterminated (SIGTERM); {stopping}", file=sys.stderr)
    code = err.code if isinstance(err, SystemExit) else 1
    return code if isinstance(code, int) else 1


def write_results(name: str, args: argparse.Namespace, record: dict[str, Any]) -> Path:
    """Write the run as JSON to --json or bench/results/<name>-<time>.json, with the options it ran with."""
    out: Path = args.json or ROOT / "bench" / "results" / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    options = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    out.write_text(json.dumps({**record, "args": options}, ensure_ascii=False, indent=2))
    print(f"results: {os.path.relpath(out)}")
    return out


def finish(workdir: Path, keep: bool) -> None:
    """Stop what still runs; remove the work directory unless it is kept (asked for, or a failed run)."""
    stop_all()
    if keep:
        print(f"logs and files kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)

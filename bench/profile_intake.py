"""Where an intake request's time goes: cProfile over N in-process `POST /api/v1/inquiries`.

    .venv/bin/python bench/profile_intake.py                    # SQLite in a temp dir, 1000 requests
    .venv/bin/python bench/profile_intake.py --backend postgres -n 2000 --top 40

Same app (create_app with config.yaml), same payloads as bench/intake.py, Flask's test client
instead of gunicorn (so no HTTP parsing or socket cost: that part is the same for the bare
endpoint). Prints wall time per request, a breakdown by the gateway's own steps (cumulative time
inside each, overlapping where one calls another) and the top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import DEFAULT_PG_URL, BenchError  # noqa: E402
from bench.intake import pg_backend  # noqa: E402
from bench.payloads import InquiryStream  # noqa: E402

# (label, file suffix, function name): cumulative time inside these, per request.
STEPS = [
    ("whole request (Flask test client)", "flask/app.py", "wsgi_app"),
    ("auth: protected() wrapper", "gateway/api/auth.py", "wrapper"),
    ("  KeyService.authenticate (DB read + sha256)", "gateway/services/accounts/keys.py", "authenticate"),
    ("parse+validate body (webargs/marshmallow)", "webargs/core.py", "parse"),
    ("InquiryService.intake", "gateway/services/inquiries/intake.py", "intake"),
    (
        "  find_or_allocate (idempotency read + id)",
        "gateway/persistence/repositories/inquiries.py",
        "find_or_allocate",
    ),
    ("  _create (routing, events, outbox, in memory)", "gateway/services/inquiries/intake.py", "_create"),
    ("    route()", "gateway/domain/routing.py", "route"),
    ("    dispatch_to (co-depts, deadline)", "gateway/domain/lifecycle_effects.py", "dispatch_to"),
    ("    _record (event row)", "gateway/services/inquiries/core.py", "_record"),
    ("    announce (outbox rows)", "gateway/services/inquiries/announcements.py", "announce"),
    (
        "  InquiryRepository.write (one INSERT per table)",
        "gateway/persistence/repositories/inquiries.py",
        "write",
    ),
    ("  _view (InquirySnapshot for the response)", "gateway/services/inquiries/core.py", "_view"),
    ("    _due_soon_limit (calendar)", "gateway/services/inquiries/core.py", "_due_soon_limit"),
    ("    _available (allowed actions)", "gateway/services/inquiries/core.py", "_available"),
    ("  WorkdayCalendar.add_workdays (all calls)", "gateway/domain/calendar.py", "add_workdays"),
    ("  Session.commit", "sqlalchemy/orm/session.py", "commit"),
    ("  Session.flush (all)", "sqlalchemy/orm/session.py", "flush"),
    ("response: schema dump (marshmallow)", "marshmallow/schema.py", "dump"),
    ("logging: Logger.info (all)", "logging/__init__.py", "info"),
    ("DBAPI cursor.execute (all)", "sqlalchemy/engine/default.py", "do_execute"),
]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("-n", type=int, default=1000, help="profiled requests (default 1000)")
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL") or DEFAULT_PG_URL)
    p.add_argument("--seed", type=int, default=12345)
    p.add_argument("--dump", type=Path, default=None, help="also write the raw pstats file here")
    args = p.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gateway-profile-"))
    # The app logs one line per intake; send it to a file as gunicorn does, not to this terminal.
    logging.basicConfig(
        level=logging.INFO,
        filename=workdir / "app.log",
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    cleanup = None
    try:
        if args.backend == "postgres":
            backend = pg_backend(args.pg_url)
            url, cleanup = backend.gateway_url, backend.cleanup
        else:
            url = f"sqlite:///{workdir / 'gateway.db'}"
        os.environ["GATEWAY_DATABASE_URL"] = url
        os.environ.pop("GATEWAY_CONFIG", None)

        from gateway import create_app
        from gateway.persistence import migrate

        app = create_app()
        services = app.extensions["gateway"]
        migrate.upgrade(services.db.engine)
        _, key = services.keys.create("压测12345平台", "system:hotline")
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        client = app.test_client()
        stream = InquiryStream(args.seed, "GDprof-")
        bodies = [json.dumps(stream.next(), ensure_ascii=False).encode() for _ in range(args.warmup + args.n)]

        def post(body: bytes) -> None:
            resp = client.post("/api/v1/inquiries", data=body, headers=headers)
            if resp.status_code != 201:
                raise BenchError(f"got {resp.status_code}: {resp.get_data(as_text=True)[:500]}")

        for body in bodies[: args.warmup]:
            post(body)
        measured = bodies[args.warmup :]
        t0 = time.perf_counter()
        for body in measured[: len(measured) // 2]:
            post(body)
        plain = (time.perf_counter() - t0) / (len(measured) // 2)

        profiler = cProfile.Profile()
        rest = measured[len(measured) // 2 :]
        t0 = time.perf_counter()
        profiler.enable()
        for body in rest:
            post(body)
        profiler.disable()
        profiled = (time.perf_counter() - t0) / len(rest)
        services.db.dispose()

        print(
            f"backend {args.backend}; {len(measured) // 2} requests unprofiled: "
            f"{plain * 1000:.2f} ms/request "
            f"(single thread, in process, no HTTP); {len(rest)} profiled: {profiled * 1000:.2f} ms/request"
        )
        stats = pstats.Stats(profiler)
        if args.dump:
            stats.dump_stats(str(args.dump))
        n = len(rest)
        raw = stats.stats  # type: ignore[attr-defined]
        whole = None
        print(f"\n{'step':52} {'ms/req':>7} {'share':>6} {'calls/req':>9}")
        for label, suffix, func in STEPS:
            cum, calls = 0.0, 0
            for (filename, _line, name), (_cc, nc, _tt, ct, _callers) in raw.items():
                if name == func and filename.endswith(suffix):
                    cum += ct
                    calls += nc
            if whole is None:
                whole = cum or 1.0
            print(f"{label:52} {1000 * cum / n:7.3f} {cum / whole:6.0%} {calls / n:9.1f}")
        print("(cumulative, so nested steps overlap; the profiler inflates call-heavy code)")

        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print("\n" + "\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])
    except BenchError as err:
        print(f"profile failed: {err}", file=sys.stderr)
        return 2
    finally:
        if cleanup:
            cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

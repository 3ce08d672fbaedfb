"""并单 candidate lookup benchmark: finding the inquiries one may duplicate, among many, vs a plain lookup.

    .venv/bin/python bench/merges.py                                 # sqlite and postgres, 200,000 inquiries
    .venv/bin/python bench/merges.py --quick                         # smoke: 20,000 inquiries, 100 lookups
    .venv/bin/python bench/merges.py --backends postgres --size 1000000 --lookups 500

Per backend (SQLite: a migrated file in a temp dir; PostgreSQL: a throwaway database
`gateway_bench_merge_<pid>` on --pg-url's server, dropped at the end) it migrates to head and bulk-loads
--size inquiries spread over the year before a fixed "now": about 4 per caller (the keyed phone hash,
as intake stores it), 5,000 addresses in 12 streets, texts from 40 problem templates (so same-address
neighbours are often alike), then ANALYZE. It measures, in process, through the real service
(`InquiryService.candidates`: a read unit of work, the inquiry, the same-caller query, the same-place
query, the similarity of each same-place text), for --lookups inquiries of the last 30 days taken at
random, after a warm-up; interleaved with each, the baseline `InquiryService.get` of the same inquiry
(one lookup by primary key through the same unit-of-work machinery). It prints p50/p95/p99 of both and
their ratio, and the candidates found per lookup. No target is set by the issue; the ratio says what
the rules cost over reading the inquiry at all. Results go to bench/results/merges-<time>.json.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
STREETS = [f"第{i}街道" for i in range(1, 13)]
PROBLEMS = [
    "小区门口道路施工夜间噪声扰民，影响休息",
    "路灯不亮，晚上出行不安全",
    "楼下餐馆油烟直排，窗户都不敢开",
    "小区电梯经常故障，老人上下楼困难",
    "公交站台被占用，候车不便",
    "垃圾清运不及时，气味很大",
    "违章停车堵塞消防通道",
    "自来水水质发黄，请检测",
]
WORDS = ["请尽快处理", "多次反映未解决", "希望有关部门核查", "已持续一周", "严重影响生活", "谢谢"]


def _rows(size: int, seed: int) -> Any:
    """The inquiries, in batches of column dicts."""
    rng = random.Random(seed)
    callers = max(1, size // 4)
    batch: list[dict[str, Any]] = []
    for n in range(1, size + 1):
        at = NOW - timedelta(seconds=rng.randrange(365 * 86400))
        street = rng.randrange(len(STREETS))
        address = f"{STREETS[street]}幸福路{rng.randrange(5000 // len(STREETS))}号"
        problem = PROBLEMS[(zlib.crc32(address.encode()) + rng.randrange(3)) % len(PROBLEMS)]
        caller = rng.randrange(callers)
        batch.append(
            {
                "number": f"B{n:010d}",
                "channel": "hotline",
                "kind": "complaint",
                "title": problem[:12],
                "content": f"{problem}，{rng.choice(WORDS)}。",
                "district": STREETS[street],
                "address": address,
                "citizen_phone_key": hashlib.sha256(f"phone-{caller}".encode()).hexdigest(),
                "public_consent": False,
                "status": "dispatched",
                "department_code": "CGJ",
                "calendar_estimated": False,
                "escalation_count": 0,
                "created_at": at,
                "updated_at": at,
            }
        )
        if len(batch) == 10_000:
            yield batch
            batch = []
    if batch:
        yield batch


def load(url: str, size: int, seed: int) -> float:
    """Migrate, bulk-load and analyse; the seconds it took."""
    from sqlalchemy import insert, text

    from gateway.persistence import migrate
    from gateway.persistence.db import make_engine
    from gateway.persistence.models import Inquiry

    started = time.perf_counter()
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            for batch in _rows(size, seed):
                conn.execute(insert(Inquiry.__table__), batch)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return time.perf_counter() - started


def measure(url: str, size: int, lookups: int, seed: int) -> dict[str, Any]:
    """Candidates vs get of the same inquiries, interleaved."""
    from sqlalchemy import select

    from gateway.config import load_settings
    from gateway.domain.access import Actor
    from gateway.domain.calendar import WorkdayCalendar
    from gateway.persistence.db import Database, make_engine
    from gateway.persistence.models import Inquiry
    from gateway.services.inquiries import InquiryService

    settings = load_settings(
        ROOT / "config.yaml", env={"GATEWAY_DATABASE_URL": url, "GATEWAY_SECRET_KEY": "b"}
    )
    db = Database(make_engine(url))
    service = InquiryService(db, settings, WorkdayCalendar(settings.calendar), lambda: NOW)
    actor = Actor("bench", "operator")
    with db.read() as session:
        recent = list(
            session.scalars(select(Inquiry.id).where(Inquiry.created_at >= NOW - timedelta(days=30)))
        )
    rng = random.Random(seed + 1)
    chosen = [rng.choice(recent) for _ in range(lookups + lookups // 10)]
    warm, timed = chosen[: lookups // 10], chosen[lookups // 10 :]
    for inquiry_id in warm:
        service.candidates(inquiry_id, actor)
        service.get(inquiry_id, actor)
    found, cand_ms, get_ms = [], [], []
    for inquiry_id in timed:
        t0 = time.perf_counter()
        result = service.candidates(inquiry_id, actor)
        t1 = time.perf_counter()
        service.get(inquiry_id, actor)
        t2 = time.perf_counter()
        cand_ms.append((t1 - t0) * 1000)
        get_ms.append((t2 - t1) * 1000)
        found.append(len(result))
    db.engine.dispose()
    return {
        "candidates_ms": _pcts(cand_ms),
        "get_ms": _pcts(get_ms),
        "ratio_p50": round(statistics.median(cand_ms) / statistics.median(get_ms), 2),
        "ratio_p95": round(_pct(cand_ms, 95) / _pct(get_ms, 95), 2),
        "found_mean": round(statistics.mean(found), 2),
        "found_max": max(found),
        "recent_inquiries": len(recent),
    }


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _pcts(values: list[float]) -> dict[str, float]:
    return {f"p{p}": round(_pct(values, p), 2) for p in (50, 95, 99)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--quick", action="store_true", help="20,000 inquiries, 100 lookups")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--pg-url",
        default=harness.DEFAULT_PG_URL,
        help="a PostgreSQL server to CREATE/DROP the benchmark's own database on",
    )
    args = parser.parse_args()
    if args.quick:
        args.size, args.lookups = 20_000, 100
    record: dict[str, Any] = {"machine": harness.machine_info(), "runs": []}
    print(f"并单 candidates vs get by id: {args.size:,} inquiries, {args.lookups} lookups each")
    print(f"{'backend':<10}{'load s':>8}{'cand p50':>10}{'p95':>8}{'p99':>8}{'get p50':>9}{'p95':>8}"
          f"{'ratio p50':>11}{'p95':>7}{'found':>7}")  # fmt: skip
    for name in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="bench-merges-") as workdir:
            drop = None
            if name == "postgres":
                database = harness.throwaway_pg(args.pg_url, "gateway_bench_merge_")
                url, drop, info = database.url, database.drop, database.info
            else:
                url, info = f"sqlite:///{workdir}/merges.db", "SQLite"
            try:
                loaded = load(url, args.size, args.seed)
                result = measure(url, args.size, args.lookups, args.seed)
            finally:
                if drop is not None:
                    drop()
        c, g = result["candidates_ms"], result["get_ms"]
        print(f"{name:<10}{loaded:>8.1f}{c['p50']:>10.2f}{c['p95']:>8.2f}{c['p99']:>8.2f}{g['p50']:>9.2f}"
              f"{g['p95']:>8.2f}{result['ratio_p50']:>11.2f}{result['ratio_p95']:>7.2f}"
              f"{result['found_mean']:>7.2f}")  # fmt: skip
        record["runs"].append({"backend": name, "info": info, "load_s": round(loaded, 1), **result})
    harness.write_results("merges", args, record)
    return 0


if __name__ == "__main__":
    sys.exit(main())

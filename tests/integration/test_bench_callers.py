"""bench/callers.py runs end to end in --quick mode on SQLite and prints its figures (a smoke test of the
script, marked slow; the speed itself is the benchmark's question, never a test's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_quick_run_prints_the_three_measurements_and_the_verdict(tmp_path: Path) -> None:
    out = tmp_path / "callers.json"
    done = subprocess.run(  # noqa: S603 - this repository's own script, fixed arguments
        [
            sys.executable,
            str(ROOT / "bench" / "callers.py"),
            *("--quick", "--backends", "sqlite", "--rows", "3000", "--lookups", "30"),
            *("--warmup", "3", "--wait-quiet", "0", "--json", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    for line in ("(a) caller_history (service)", "(b) the query alone", "(c) baseline: get(id)"):
        assert line in done.stdout
    assert "TARGET sqlite (3,000 inquiries): caller_history p95" in done.stdout
    assert "SEARCH inquiries USING COVERING INDEX ix_inquiries_citizen_phone_key" in done.stdout
    result = json.loads(out.read_text())["results"][0]
    assert result["rows"] == 3000
    assert [result[k]["n"] for k in ("lookup", "sql", "by_id")] == [30, 30, 30]
    assert result["lookup_heavy"]["hits_max"] > result["lookup_ordinary"]["hits_max"]
    # the phone typed with +86, spaces or dashes finds what the stored spelling's key finds
    assert result["mismatched_rounds"] == 0
    assert "in every round (a) and (b) found as many inquiries" in done.stdout

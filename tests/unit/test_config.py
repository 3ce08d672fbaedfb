from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gateway.config import ConfigError, load_settings, parse_settings

ROOT = Path(__file__).resolve().parents[2]
RAW = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


def broken(**changes):
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        node = raw
        *path, last = dotted.split("__")
        for key in path:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is KeyError:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return raw


def test_shipped_config_loads():
    settings = parse_settings(RAW, env={})
    assert settings.department("SFJ").name == "区司法局"
    assert settings.deadlines.workdays["consult"] == 3
    assert settings.deadlines.workdays["complaint"] == 13
    assert settings.routing_rules[0].lead == "SFJ"
    assert settings.database_url == "sqlite:///var/gateway.db"
    assert (settings.max_body_bytes, settings.trusted_proxies, settings.login_failures_per_address) == (
        1_048_576,
        0,
        30,
    )


def test_a_config_without_limits_takes_their_defaults():
    settings = parse_settings(broken(limits=KeyError), env={})
    assert (settings.max_body_bytes, settings.trusted_proxies, settings.login_failures_per_address) == (
        1_048_576,
        0,
        30,
    )


def test_database_url_and_secret_come_from_the_environment():
    settings = parse_settings(
        RAW, env={"GATEWAY_DATABASE_URL": "postgresql+psycopg://x/y", "GATEWAY_SECRET_KEY": "s"}
    )
    assert settings.database_url == "postgresql+psycopg://x/y"
    assert settings.secret_key == "s"  # noqa: S105 - a test value


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"departments__0__code": "区 司法局"}, "departments.0.code: must be 1-32"),
        ({"deadlines__workdays__consult": -1}, "deadlines.workdays"),
        ({"deadlines__workdays": {"consult": 3}}, "deadlines.workdays: missing a deadline for: help"),
        ({"routing__rules__0__lead": "NOPE"}, "routing.rules.0: unknown department code 'NOPE'"),
        ({"routing__rules__1__kinds": ["gossip"]}, "routing.rules.1.kinds.0: Must be one of"),
        ({"departments": KeyError}, "departments: Missing data for required field"),
        (
            {"deadlines__return_window_workdays": "two"},
            "deadlines.return_window_workdays: Not a valid integer",
        ),
        (
            {"calendar__overrides": {2027: {"holidays": ["2026-01-01"]}}},
            "calendar.overrides.2027: 2026-01-01 is not in 2027",
        ),
        (
            {"environment__database_url": "DATABASE_URL"},
            "environment.database_url: variable 'DATABASE_URL' must start with GATEWAY_",
        ),
        ({"surprise": 1}, "surprise: Unknown field"),
        ({"limits__trusted_proxies": -1}, "limits.trusted_proxies: Must be greater than or equal to 0"),
        ({"limits__login_failures_per_address": 2}, "limits.login_failures_per_address: Must be"),
        ({"limits__max_body_byte": 1}, "limits.max_body_byte: Unknown field"),
    ],
)
def test_broken_config_names_the_key(changes, expected):
    with pytest.raises(ConfigError) as err:
        parse_settings(broken(**changes), env={})
    assert expected in str(err.value)


def test_duplicate_department_codes_are_refused():
    raw = broken()
    raw["departments"].append(dict(raw["departments"][0]))
    with pytest.raises(ConfigError, match="duplicate department code: SFJ"):
        parse_settings(raw, env={})


def test_calendar_override_years_are_covered():
    raw = broken(calendar__overrides={2027: {"holidays": ["2027-01-01"], "workdays": []}})
    settings = parse_settings(raw, env={})
    assert settings.calendar.years == {2027}
    assert len(settings.calendar.holidays) == 1


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("departments:\n  - code: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid YAML at line \d+"):
        load_settings(path, env={})


def test_a_broken_file_stops_the_start_without_a_traceback(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(broken(deadlines__workdays__consult="three")), encoding="utf-8")
    env = {**os.environ, "GATEWAY_CONFIG": str(path), "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "config", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "deadlines.workdays.consult" in result.stderr
    assert "Not a valid integer" in result.stderr
    assert "Traceback" not in result.stderr

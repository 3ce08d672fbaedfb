"""Read config.yaml from disk once (GATEWAY_CONFIG, else the repository's) and parse it into Settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from gateway.config.errors import ConfigError
from gateway.config.parse import parse_settings
from gateway.config.settings import Settings

# The repository's config.yaml, beside the gateway package.
DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read config.yaml (GATEWAY_CONFIG, else the repository's) and the environment once."""
    env = os.environ if env is None else env
    path = Path(path or env.get("GATEWAY_CONFIG") or DEFAULT_CONFIG)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the file ({err.strerror})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise ConfigError(f"{path}: not valid YAML{at}: {getattr(err, 'problem', err)}") from None
    return parse_settings(raw, env, source=str(path.name))

"""Turn a parsed config.yaml document plus the environment into Settings, or raise ConfigError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError

from gateway.config import settings as cfg
from gateway.config.errors import ConfigError, flatten_errors
from gateway.config.schema import ConfigSchema
from gateway.domain.attachments import AttachmentPolicy
from gateway.domain.calendar import CalendarOverrides
from gateway.domain.routing import RoutingRule

ENV_PREFIX = "GATEWAY_"
_SYSTEMS = ("hotline", "website", "window", "catalog_source", "department")
_WEBHOOK_SYSTEMS = ("hotline", "website", "window", "dept_hotline", "department")


def parse_settings(raw: Any, env: Mapping[str, str], source: str = "config.yaml") -> cfg.Settings:
    """Validate a parsed config document plus environment into Settings, or raise ConfigError."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: the top level must be a mapping of keys")
    try:
        data = ConfigSchema().load(raw)
    except ValidationError as err:
        raise ConfigError(f"{source}: " + "; ".join(flatten_errors(err.messages))) from None

    environment: dict[str, str] = dict(data["environment"])
    for setting, var in environment.items():
        if not var.startswith(ENV_PREFIX):
            raise ConfigError(
                f"{source}: environment.{setting}: variable '{var}' must start with {ENV_PREFIX}"
            )
    database_url = env.get(
        environment.get("database_url", "GATEWAY_DATABASE_URL"), "sqlite:///var/gateway.db"
    )
    secret_key = env.get(environment.get("secret_key", "GATEWAY_SECRET_KEY"), "")
    caller_key_secret = env.get(environment.get("caller_key_secret", "GATEWAY_CALLER_KEY_SECRET"), "")
    calendar = _calendar(data["calendar"].get("overrides", {}))
    inter = data["interconnect"]
    return cfg.Settings(
        database_url=database_url,
        secret_key=secret_key,
        caller_key_secret=caller_key_secret,
        departments=tuple(cfg.Department(**d) for d in data["departments"]),
        routing_rules=_routing_rules(data["routing"].get("rules", [])),
        deadlines=cfg.DeadlinePolicy(**data["deadlines"]),
        calendar=calendar,
        **data["limits"],  # max_body_bytes, trusted_proxies, login_failures_per_address
        env_settings=environment,
        systems=_systems(data["systems"], env),
        dept_lines=_dept_lines(data["systems"]["dept_hotline"], env),
        webhook_secrets=_webhook_secrets(env),
        delivery=cfg.DeliveryPolicy(**data["delivery"]),
        applications=cfg.ApplicationPolicy(**data["applications"]),
        supervision=cfg.SupervisionPolicy(**data["supervision"]),
        attachments=_attachments(data["attachments"], env),
        jobs=tuple(
            cfg.JobSchedule(name, job["every_seconds"])
            for name, job in data["jobs"].items()
            if job["enabled"]
        ),
        interconnect=cfg.Interconnect(
            forward_to_hotline=frozenset(inter["forward_to_hotline"]),
            publish_replies_from=frozenset(inter["publish_replies_from"]),
            notify_origin=inter["notify_origin"],
            reply_to_writer=inter["reply_to_writer"],
        ),
    )


def _attachments(data: Mapping[str, Any], env: Mapping[str, str]) -> AttachmentPolicy:
    """The attachment limits and storage; GATEWAY_ATTACHMENTS_DIR and GATEWAY_S3_ENDPOINT_URL override
    where the bytes go (the S3 credentials are boto3's own AWS_* variables, never in the file)."""
    values = {**data, "types": frozenset(data["types"])}
    values["directory"] = env.get("GATEWAY_ATTACHMENTS_DIR", values["directory"])
    values["s3_endpoint_url"] = env.get("GATEWAY_S3_ENDPOINT_URL", values["s3_endpoint_url"])
    values["public_url"] = env.get("GATEWAY_PUBLIC_URL", values["public_url"]).rstrip("/")
    return AttachmentPolicy(**values)


def _calendar(overrides: Mapping[int, Mapping[str, Any]]) -> CalendarOverrides:
    """The holidays and adjusted workdays of every year, and the years whose list is complete."""
    return CalendarOverrides(
        holidays=frozenset(d for o in overrides.values() for d in o["holidays"]),
        workdays=frozenset(d for o in overrides.values() for d in o["workdays"]),
        years=frozenset(int(y) for y, o in overrides.items() if o["complete"]),
    )


def _routing_rules(rules: list[Mapping[str, Any]]) -> tuple[RoutingRule, ...]:
    """The routing rules in their configured order (the first that matches wins)."""
    return tuple(
        RoutingRule(
            name=r["name"],
            lead=r["lead"],
            co=tuple(r["co"]),
            kinds=frozenset(r["kinds"]),
            categories=frozenset(r["categories"]),
            keywords=tuple(r["keywords"]),
            districts=frozenset(r["districts"]),
        )
        for r in rules
    )


def _systems(systems: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, cfg.SystemEndpoint]:
    """Each external system's endpoint; GATEWAY_<SYSTEM>_URL overrides its base_url."""
    return {
        name: cfg.SystemEndpoint(
            base_url=env.get(f"{ENV_PREFIX}{name.upper()}_URL", systems[name]["base_url"]),
            timeout_seconds=systems[name]["timeout_seconds"],
        )
        for name in _SYSTEMS
    }


def _dept_lines(lines: list[Mapping[str, Any]], env: Mapping[str, str]) -> tuple[cfg.DeptLine, ...]:
    """The retained specialist hotlines; GATEWAY_LINE_<code>_URL overrides a line's base_url."""
    return tuple(
        cfg.DeptLine(
            code=line["code"],
            name=line["name"],
            department=line["department"],
            endpoint=cfg.SystemEndpoint(
                base_url=env.get(f"{ENV_PREFIX}LINE_{line['code']}_URL", line["base_url"]),
                timeout_seconds=line["timeout_seconds"],
            ),
            transfer_kinds=frozenset(line["transfer_kinds"]),
        )
        for line in lines
    )


def _webhook_secrets(env: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Per-system webhook secrets from the environment."""
    # Comma-separated so an old and a new one both work while rotating.
    return {
        system: tuple(
            s.strip()
            for s in env.get(f"{ENV_PREFIX}{system.upper()}_WEBHOOK_SECRETS", "").split(",")
            if s.strip()
        )
        for system in _WEBHOOK_SYSTEMS
    }

"""Load and validate config.yaml once into frozen settings; fail fast, naming the key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.domain.calendar import CalendarOverrides
from gateway.domain.inquiry import Kind
from gateway.domain.routing import RoutingRule

ENV_PREFIX = "GATEWAY_"
KNOWN_JOBS = ("deliver", "hotline_poll", "catalog_sync", "deadline_sweep")
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


class ConfigError(Exception):
    """config.yaml (or a setting from the environment) is unusable; the message names the key."""


@dataclass(frozen=True)
class Department:
    """A 承办单位 as configured."""

    code: str
    name: str
    contact: str = ""


@dataclass(frozen=True)
class DeadlinePolicy:
    """办理时限 per kind, and the limits around it, all in working days."""

    workdays: Mapping[str, int]
    return_window_workdays: int = 2
    max_extension_workdays: int = 10
    due_soon_workdays: int = 1


@dataclass(frozen=True)
class SystemEndpoint:
    """Where an external system's API is, and how long to wait for it."""

    base_url: str
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class DeptLine:
    """A retained specialist hotline (e.g. 12348), transferred both ways with 12345."""

    code: str
    name: str
    department: str
    endpoint: SystemEndpoint
    transfer_kinds: frozenset[str] = (
        frozenset()
    )  # dispatching these kinds to the department transfers the call


@dataclass(frozen=True)
class DeliveryPolicy:
    """How the outbox worker sends: retries with backoff, leases, circuit breakers."""

    max_attempts: int = 8
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 900.0
    lease_seconds: float = 60.0
    batch_size: int = 50
    concurrency: int = 8
    poll_interval_seconds: float = 1.0
    breaker_failures: int = 5
    breaker_cooldown_seconds: float = 30.0


@dataclass(frozen=True)
class Interconnect:
    """互联互通 routes between channels."""

    forward_to_hotline: frozenset[str] = frozenset({"website"})
    publish_replies_from: frozenset[str] = frozenset({"website", "hotline"})
    notify_origin: bool = True
    # Without consent, the reply to a website message still goes back to it, for its writer alone.
    reply_to_writer: bool = True


@dataclass(frozen=True)
class ApplicationPolicy:
    """Working-day limits of the window flow."""

    supplement_workdays: int = 5  # 容缺: the missing material is owed within N working days
    pickup_workdays: int = 10  # 待取件 longer than N working days is flagged
    rectification_workdays: int = 5  # 差评整改 deadline


@dataclass(frozen=True)
class JobSchedule:
    """A job the scheduler process runs every so many seconds."""

    name: str
    every_seconds: float


@dataclass(frozen=True)
class Settings:
    """Everything the gateway reads from config.yaml and the environment."""

    database_url: str
    secret_key: str
    departments: tuple[Department, ...]
    routing_rules: tuple[RoutingRule, ...]
    deadlines: DeadlinePolicy
    calendar: CalendarOverrides = field(default_factory=CalendarOverrides)
    max_body_bytes: int = 1_048_576
    # Reverse proxies in front that each append the client's address to X-Forwarded-For (0: the socket's
    # peer is the client). The per-address login limit counts failures by that address.
    trusted_proxies: int = 0
    login_failures_per_address: int = 30
    env_settings: Mapping[str, str] = field(default_factory=dict)
    systems: Mapping[str, SystemEndpoint] = field(default_factory=dict)
    dept_lines: tuple[DeptLine, ...] = ()
    webhook_secrets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    interconnect: Interconnect = field(default_factory=Interconnect)
    jobs: tuple[JobSchedule, ...] = ()
    applications: ApplicationPolicy = field(default_factory=ApplicationPolicy)

    def department(self, code: str) -> Department | None:
        """The configured department with this code, if any."""
        return next((d for d in self.departments if d.code == code), None)


_CODE = validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$", error="must be 1-32 letters, digits, '_' or '-'")


class _DepartmentSchema(Schema):
    code = fields.String(required=True, validate=_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    contact = fields.String(load_default="")


class _RuleSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1))
    lead = fields.String(required=True, validate=_CODE)
    co = fields.List(fields.String(validate=_CODE), load_default=list)
    kinds = fields.List(fields.String(validate=validate.OneOf([k.value for k in Kind])), load_default=list)
    categories = fields.List(fields.String(), load_default=list)
    keywords = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    districts = fields.List(fields.String(), load_default=list)


class _DeadlineSchema(Schema):
    workdays = fields.Dict(
        keys=fields.String(validate=validate.OneOf([k.value for k in Kind])),
        values=fields.Integer(strict=True, validate=validate.Range(min=0, max=365)),
        required=True,
    )
    return_window_workdays = fields.Integer(strict=True, load_default=2, validate=validate.Range(min=0))
    max_extension_workdays = fields.Integer(strict=True, load_default=10, validate=validate.Range(min=1))
    due_soon_workdays = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=0))

    @validates_schema
    def _every_kind(self, data: dict[str, Any], **_: Any) -> None:
        missing = [k.value for k in Kind if k.value not in data.get("workdays", {})]
        if missing:
            raise ValidationError(f"missing a deadline for: {', '.join(missing)}", "workdays")


class _YearOverrideSchema(Schema):
    holidays = fields.List(fields.Date(), load_default=list)
    workdays = fields.List(fields.Date(), load_default=list)
    complete = fields.Boolean(load_default=True)


class _CalendarSchema(Schema):
    overrides = fields.Dict(
        keys=fields.Integer(strict=False, validate=validate.Range(min=1990, max=2200)),
        values=fields.Nested(_YearOverrideSchema),
        load_default=dict,
    )


class _EndpointSchema(Schema):
    base_url = fields.Url(required=True, require_tld=False, schemes={"http", "https"})
    timeout_seconds = fields.Float(load_default=10.0, validate=validate.Range(min=0.1, max=120))


class _LineSchema(_EndpointSchema):
    code = fields.String(
        required=True, validate=validate.Regexp(r"^[0-9]{3,8}$", error="must be a phone line number")
    )
    name = fields.String(required=True, validate=validate.Length(min=1))
    department = fields.String(required=True, validate=_CODE)
    transfer_kinds = fields.List(
        fields.String(validate=validate.OneOf([k.value for k in Kind])), load_default=list
    )


class _SystemsSchema(Schema):
    hotline = fields.Nested(_EndpointSchema, required=True)
    website = fields.Nested(_EndpointSchema, required=True)
    window = fields.Nested(_EndpointSchema, required=True)
    catalog_source = fields.Nested(_EndpointSchema, required=True)
    department = fields.Nested(_EndpointSchema, required=True)
    dept_hotline = fields.List(fields.Nested(_LineSchema), load_default=list)


class _DeliverySchema(Schema):
    max_attempts = fields.Integer(strict=True, load_default=8, validate=validate.Range(min=1, max=100))
    backoff_base_seconds = fields.Float(load_default=2.0, validate=validate.Range(min=0.01))
    backoff_cap_seconds = fields.Float(load_default=900.0, validate=validate.Range(min=0.01))
    lease_seconds = fields.Float(load_default=60.0, validate=validate.Range(min=1))
    batch_size = fields.Integer(strict=True, load_default=50, validate=validate.Range(min=1, max=1000))
    concurrency = fields.Integer(strict=True, load_default=8, validate=validate.Range(min=1, max=64))
    poll_interval_seconds = fields.Float(load_default=1.0, validate=validate.Range(min=0.01))
    breaker_failures = fields.Integer(strict=True, load_default=5, validate=validate.Range(min=1))
    breaker_cooldown_seconds = fields.Float(load_default=30.0, validate=validate.Range(min=0.1))


_CHANNEL = validate.OneOf(["hotline", "website", "window", "dept_hotline", "api"])


class _InterconnectSchema(Schema):
    forward_to_hotline = fields.List(fields.String(validate=_CHANNEL), load_default=lambda: ["website"])
    publish_replies_from = fields.List(
        fields.String(validate=_CHANNEL), load_default=lambda: ["website", "hotline"]
    )
    notify_origin = fields.Boolean(load_default=True)
    reply_to_writer = fields.Boolean(load_default=True)


class _ApplicationsSchema(Schema):
    supplement_workdays = fields.Integer(strict=True, load_default=5, validate=validate.Range(min=1, max=60))
    pickup_workdays = fields.Integer(strict=True, load_default=10, validate=validate.Range(min=1, max=60))
    rectification_workdays = fields.Integer(
        strict=True, load_default=5, validate=validate.Range(min=1, max=60)
    )


class _JobSchema(Schema):
    every_seconds = fields.Float(required=True, validate=validate.Range(min=0.5, max=86400 * 7))
    enabled = fields.Boolean(load_default=True)


class _LimitsSchema(Schema):
    max_body_bytes = fields.Integer(load_default=1_048_576, validate=validate.Range(min=1024))
    trusted_proxies = fields.Integer(load_default=0, validate=validate.Range(min=0, max=5))
    login_failures_per_address = fields.Integer(load_default=30, validate=validate.Range(min=5))


class _ConfigSchema(Schema):
    departments = fields.List(
        fields.Nested(_DepartmentSchema), required=True, validate=validate.Length(min=1)
    )
    routing = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(_RuleSchema)), load_default=dict
    )
    deadlines = fields.Nested(_DeadlineSchema, required=True)
    calendar = fields.Nested(_CalendarSchema, load_default=dict)
    limits = fields.Nested(_LimitsSchema, load_default=lambda: _LimitsSchema().load({}))
    environment = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    systems = fields.Nested(_SystemsSchema, required=True)
    delivery = fields.Nested(_DeliverySchema, load_default=dict)
    interconnect = fields.Nested(_InterconnectSchema, load_default=dict)
    jobs = fields.Dict(
        keys=fields.String(validate=validate.OneOf(KNOWN_JOBS)),
        values=fields.Nested(_JobSchema),
        load_default=dict,
    )
    applications = fields.Nested(_ApplicationsSchema, load_default=dict)

    @validates_schema
    def _known_departments(self, data: dict[str, Any], **_: Any) -> None:
        codes = [d["code"] for d in data.get("departments", [])]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValidationError(f"duplicate department code: {', '.join(duplicates)}", "departments")
        for i, rule in enumerate(data.get("routing", {}).get("rules", [])):
            for code in [rule["lead"], *rule["co"]]:
                if code not in codes:
                    raise ValidationError(
                        {"rules": {str(i): [f"unknown department code '{code}'"]}}, "routing"
                    )
        for i, line in enumerate(data.get("systems", {}).get("dept_hotline", [])):
            if line["department"] not in codes:
                raise ValidationError(
                    {"dept_hotline": {str(i): [f"unknown department code '{line['department']}'"]}}, "systems"
                )
        for year, override in data.get("calendar", {}).get("overrides", {}).items():
            for day in [*override["holidays"], *override["workdays"]]:
                if day.year != year:
                    raise ValidationError({"overrides": {str(year): [f"{day} is not in {year}"]}}, "calendar")


def _flatten(errors: Any, prefix: str = "") -> list[str]:
    """Turn marshmallow's nested error dict into 'a.b.c: reason' lines."""
    if isinstance(errors, Mapping):
        lines: list[str] = []
        for key, value in errors.items():
            if key in ("_schema", "value"):  # marshmallow's Dict nests errors under "value"
                name = prefix
            elif key == "key":
                name = f"{prefix} (a key)"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            lines.extend(_flatten(value, name))
        return lines
    if isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        return [f"{prefix or '(top level)'}: {'; '.join(errors)}"]
    if isinstance(errors, list):
        return [line for e in errors for line in _flatten(e, prefix)]
    return [f"{prefix}: {errors}"]


def parse_settings(raw: Any, env: Mapping[str, str], source: str = "config.yaml") -> Settings:
    """Validate a parsed config document plus environment into Settings, or raise ConfigError."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: the top level must be a mapping of keys")
    try:
        data = _ConfigSchema().load(raw)
    except ValidationError as err:
        raise ConfigError(f"{source}: " + "; ".join(_flatten(err.messages))) from None

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

    overrides = data["calendar"].get("overrides", {})
    calendar = CalendarOverrides(
        holidays=frozenset(d for o in overrides.values() for d in o["holidays"]),
        workdays=frozenset(d for o in overrides.values() for d in o["workdays"]),
        years=frozenset(int(y) for y, o in overrides.items() if o["complete"]),
    )
    rules = tuple(
        RoutingRule(
            name=r["name"],
            lead=r["lead"],
            co=tuple(r["co"]),
            kinds=frozenset(r["kinds"]),
            categories=frozenset(r["categories"]),
            keywords=tuple(r["keywords"]),
            districts=frozenset(r["districts"]),
        )
        for r in data["routing"].get("rules", [])
    )
    limits = data["limits"]
    systems_raw = data["systems"]
    systems = {
        name: SystemEndpoint(
            base_url=env.get(f"{ENV_PREFIX}{name.upper()}_URL", systems_raw[name]["base_url"]),
            timeout_seconds=systems_raw[name]["timeout_seconds"],
        )
        for name in ("hotline", "website", "window", "catalog_source", "department")
    }
    lines = tuple(
        DeptLine(
            code=line["code"],
            name=line["name"],
            department=line["department"],
            endpoint=SystemEndpoint(
                base_url=env.get(f"{ENV_PREFIX}LINE_{line['code']}_URL", line["base_url"]),
                timeout_seconds=line["timeout_seconds"],
            ),
            transfer_kinds=frozenset(line["transfer_kinds"]),
        )
        for line in systems_raw["dept_hotline"]
    )
    # Per-system webhook secrets, comma-separated so an old and a new one both work while rotating.
    secrets = {
        system: tuple(
            s.strip()
            for s in env.get(f"{ENV_PREFIX}{system.upper()}_WEBHOOK_SECRETS", "").split(",")
            if s.strip()
        )
        for system in ("hotline", "website", "window", "dept_hotline", "department")
    }
    inter = data["interconnect"]
    return Settings(
        database_url=database_url,
        secret_key=secret_key,
        departments=tuple(Department(**d) for d in data["departments"]),
        routing_rules=rules,
        deadlines=DeadlinePolicy(**data["deadlines"]),
        calendar=calendar,
        max_body_bytes=limits["max_body_bytes"],
        trusted_proxies=limits["trusted_proxies"],
        login_failures_per_address=limits["login_failures_per_address"],
        env_settings=environment,
        systems=systems,
        dept_lines=lines,
        webhook_secrets=secrets,
        delivery=DeliveryPolicy(**data["delivery"]),
        applications=ApplicationPolicy(**data["applications"]),
        jobs=tuple(
            JobSchedule(name, job["every_seconds"]) for name, job in data["jobs"].items() if job["enabled"]
        ),
        interconnect=Interconnect(
            forward_to_hotline=frozenset(inter["forward_to_hotline"]),
            publish_replies_from=frozenset(inter["publish_replies_from"]),
            notify_origin=inter["notify_origin"],
            reply_to_writer=inter["reply_to_writer"],
        ),
    )


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

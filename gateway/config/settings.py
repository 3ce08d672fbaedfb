"""The frozen settings the gateway runs on, as config.yaml and the environment give them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway.domain.attachments import AttachmentPolicy
from gateway.domain.calendar import CalendarOverrides
from gateway.domain.routing import RoutingRule


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
    co_department_workdays_before: int = 2  # 协办: a co-department's opinion is due N working days before


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

    # Retries: attempts in all, waits doubling from the base (with jitter) up to the cap.
    max_attempts: int = 8
    backoff_base_seconds: float = 2.0
    backoff_cap_seconds: float = 900.0
    # Claims: how long a claimed message stays the worker's, how many it claims and sends at once, and
    # how long it waits when a pass found less than a full batch.
    lease_seconds: float = 60.0
    batch_size: int = 50
    concurrency: int = 8
    poll_interval_seconds: float = 1.0
    # A system's circuit opens after so many failures in a row, for the cooldown.
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
class SupervisionPolicy:
    """督办单: by when a department is asked to respond, in working days."""

    response_workdays: int = 2  # the requested response date when the issuer names none
    max_response_workdays: int = 30  # the most working days an issuer may give


@dataclass(frozen=True)
class JobSchedule:
    """A job the scheduler process runs every so many seconds."""

    name: str  # one of KNOWN_JOBS
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
    # The key of the caller index (重复来电, gateway.domain.caller_keys); empty: no lookup by caller.
    caller_key_secret: str = ""
    supervision: SupervisionPolicy = field(default_factory=SupervisionPolicy)
    attachments: AttachmentPolicy = field(default_factory=AttachmentPolicy)

    def department(self, code: str) -> Department | None:
        """The configured department with this code, if any."""
        return next((d for d in self.departments if d.code == code), None)

"""Load and validate config.yaml once into frozen settings; fail fast, naming the key.

settings: the frozen dataclasses; schema: the document's shape; parse: document + environment ->
Settings; errors: ConfigError and the key-naming messages; loading: reading the file.
"""

from gateway.config.errors import ConfigError
from gateway.config.loading import DEFAULT_CONFIG, load_settings
from gateway.config.parse import ENV_PREFIX, parse_settings
from gateway.config.schema import KNOWN_JOBS
from gateway.config.settings import (
    ApplicationPolicy,
    DeadlinePolicy,
    DeliveryPolicy,
    Department,
    DeptLine,
    Interconnect,
    JobSchedule,
    Settings,
    SupervisionPolicy,
    SystemEndpoint,
)

__all__ = [
    "DEFAULT_CONFIG",
    "ENV_PREFIX",
    "KNOWN_JOBS",
    "ApplicationPolicy",
    "ConfigError",
    "DeadlinePolicy",
    "DeliveryPolicy",
    "Department",
    "DeptLine",
    "Interconnect",
    "JobSchedule",
    "Settings",
    "SupervisionPolicy",
    "SystemEndpoint",
    "load_settings",
    "parse_settings",
]

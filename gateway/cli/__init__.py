"""Commands: `flask --app wsgi db|keys|config|demo|deliver|dead-letters|hotline|scheduler|jobs|catalog|users`.

One module per purpose: admin (db, keys, config, the demo group), delivery (outbox, dead letters, hotline
poll), jobs (scheduler), catalog (sync), users (console accounts), demo (simulators); common holds what
they share. The app factory calls the register functions in this order (demo's group comes first).
"""

from gateway.cli.admin import register
from gateway.cli.catalog import register_catalog
from gateway.cli.delivery import register_delivery
from gateway.cli.demo import register_demo_simulators
from gateway.cli.jobs import register_jobs
from gateway.cli.users import register_users

__all__ = [
    "register",
    "register_catalog",
    "register_delivery",
    "register_demo_simulators",
    "register_jobs",
    "register_users",
]

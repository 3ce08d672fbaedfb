"""Scheduled jobs: each calls a service, logs, and never lets an exception escape."""

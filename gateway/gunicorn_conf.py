"""Gunicorn settings for the gateway (`gunicorn --config python:gateway.gunicorn_conf wsgi:app`)."""

from __future__ import annotations

import os
import socket

# "[::]" with IPV6_V6ONLY off accepts IPv4 too (as ::ffff:a.b.c.d): one socket, dual stack.
bind = [os.environ.get("GATEWAY_BIND", "[::]:8000")]
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("GATEWAY_THREADS", "4"))
worker_class = "gthread"
preload_app = True  # a broken config.yaml stops the master with its message, once
accesslog = "-"
# The access log has the path and status only; query strings could carry personal data.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def on_starting(server: object) -> None:
    """Refuse to start if the machine cannot do dual stack (rare: IPv6 disabled in the kernel)."""
    if not socket.has_ipv6:
        raise SystemExit("this machine has no IPv6; set GATEWAY_BIND=0.0.0.0:8000")

"""The baseline for bench/intake.py: the least a JSON intake endpoint can do.

`POST /bare/inquiries` parses the JSON body and inserts it as one row (one table, one JSON column)
in one transaction, then answers 201 with the new id. No validation, no auth, no routing, no
events, no outbox, no response schema. `GET /healthz` answers 200.

It is served exactly like the gateway (same gunicorn config file, workers and threads):

    BENCH_BARE_DATABASE_URL=sqlite:////tmp/x/bare.db \\
        .venv/bin/gunicorn --config python:gateway.gunicorn_conf --bind 127.0.0.1:8001 bench.bare_app:app

The engine comes from the gateway's own `make_engine`, so both sides talk to the database with the
same settings (SQLite: WAL, synchronous=NORMAL, busy_timeout, BEGIN IMMEDIATE for writes;
PostgreSQL: psycopg 3, the same pool). The difference measured is then the gateway's request work,
not a different database configuration.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from flask import Flask, jsonify, request
from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, Table

from gateway.persistence.db import make_engine

URL = os.environ.get("BENCH_BARE_DATABASE_URL") or os.environ.get(
    "GATEWAY_DATABASE_URL", "sqlite:///var/bare.db"
)

metadata = MetaData()
bare_inquiries = Table(
    "bench_bare_inquiries",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("body", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

engine = make_engine(URL)
metadata.create_all(engine)
# gunicorn preloads the app in the master: leave no pooled connection behind to be shared by forks.
engine.dispose()
# Writes take the SQLite write lock up front, as the gateway's unit of work does (no-op elsewhere).
writer = engine.execution_options(sqlite_immediate=True) if engine.dialect.name == "sqlite" else engine
_insert = bare_inquiries.insert()

app = Flask(__name__)
app.json.ensure_ascii = False  # type: ignore[attr-defined]


@app.post("/bare/inquiries")
def create() -> Any:
    body = request.get_json()  # 400/415 on a bad body, like any Flask JSON endpoint
    with writer.begin() as conn:
        result = conn.execute(_insert.values(body=body, created_at=datetime.now(UTC)))
        new_id = result.inserted_primary_key[0]  # type: ignore[index]
    return jsonify(id=new_id), 201


@app.get("/healthz")
def healthz() -> Any:
    return jsonify(status="ok")

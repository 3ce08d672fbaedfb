"""The consoles' own SQL (staff accounts, inquiry figures) on PostgreSQL."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gateway.domain.access import Actor
from tests.conftest import on_postgres
from tests.web.conftest import login
from tests.web.seed import seed_accounts, seed_busy

pytestmark = pytest.mark.postgres


@on_postgres
def test_figures_and_pages_on_postgres(app, services, clock):
    seed_accounts(app)
    seed_busy(services, clock)
    stats = app.extensions["console"].stats
    sup = Actor("督办", "supervisor")
    volumes = stats.volumes(sup, group="kind", period="day", start=None, end=None)
    assert sum(r["count"] for r in volumes) == 38 and volumes[0]["period"] == "2026-11-02"
    assert {r["key"] for r in stats.on_time(sup, group=None, period="month", start=None, end=None)} == {"all"}
    levels = stats.satisfaction(sup, group="department", period=None, start=None, end=None)
    assert sum(r["count"] for r in levels) == 24 and {r["period"] for r in levels} == {"all"}
    client = app.test_client()
    assert login(client, "sup01").status_code == 302
    page = client.get("/console/supervisor")
    assert page.status_code == 200 and page.text.count("<rect") > 10
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/console/supervisor/monthly.xlsx?month=2026-11").data)
    )
    assert [r[1] for r in book["诉求-按类型"].iter_rows(min_row=2, values_only=True)] != []

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from gateway.persistence.catalog_models import ServiceItem
from gateway.services.catalog import sync as catalog_sync
from tests.conftest import settings_for
from tests.integration.catalog_support import catalog_source, gateway_on

pytestmark = pytest.mark.postgres


def test_catalog_sync_and_search_on_postgres(pg, monkeypatch):
    monkeypatch.setattr(catalog_sync, "ANALYZE_AFTER", 300)  # a big sync ends with VACUUM (ANALYZE)
    with catalog_source(seed=11, size=400) as source, gateway_on(settings_for(pg.url), source) as services:
        report = services.catalog_sync(page_size=100).run(full=True)
        assert (report.new, report.rejected) == (400, 0)
        with services.db.read() as session:
            stats = "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = :t"
            vacuumed = session.execute(text(stats), {"t": "service_items"}).one()
        assert vacuumed.last_vacuum is not None and vacuumed.last_analyze is not None
        source.app.extensions["simulator"].change(3)
        assert services.catalog_sync(page_size=100).run(full=False).changed == 3
        with services.db.read() as session:
            item = session.scalars(select(ServiceItem).where(ServiceItem.name.like("%公证%"))).first()
        assert item is not None

        def codes(q, limit):
            return [i["item_code"] for i in services.catalog.search(q, limit=limit).items]

        by_text = codes(item.name[:3], 100)  # pg_trgm
        by_term = codes("公证", 200)  # two-character terms
        by_initials = codes(item.pinyin_initials[:3], 200)
        assert item.item_code in by_text and item.item_code in by_term and item.item_code in by_initials
        assert [i["item_code"] for i in services.catalog.search(item.item_code).items] == [item.item_code]
        assert services.catalog.search(item.name).items[0]["item_code"] == item.item_code

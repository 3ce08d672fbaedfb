"""The service-item catalogue (事项库): reading and search (reads), the sync from the provincial catalogue
(sync, with sync_pages and sync_writes), the messages that publish items (publish), the rows a record
becomes (records), what readers are handed (snapshots), and search text and terms (text)."""

from gateway.services.catalog.publish import TARGETS
from gateway.services.catalog.reads import MAX_COUNTED, MAX_OFFSET, CatalogService
from gateway.services.catalog.snapshots import detail, summary
from gateway.services.catalog.sync import ANALYZE_AFTER, COMMIT_AFTER_SECONDS, CURSOR, CatalogSync
from gateway.services.catalog.sync_pages import SyncReport

__all__ = [
    "ANALYZE_AFTER",
    "COMMIT_AFTER_SECONDS",
    "CURSOR",
    "MAX_COUNTED",
    "MAX_OFFSET",
    "TARGETS",
    "CatalogService",
    "CatalogSync",
    "SyncReport",
    "detail",
    "summary",
]

"""outbox: partial indexes over the open messages (claims) and the blocking ones (hold-back check)

Sent messages are kept, so the outbox only grows; a claim walked the primary key past every sent row.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0008", "0007"  # created 2026-11-26

OPEN = sa.text("status IN ('pending', 'sending')")
BLOCKING_ROWS = sa.text("status IN ('pending', 'sending', 'dead')")


def upgrade() -> None:
    # IF NOT EXISTS: on a long outbox in production, an administrator may build them first without
    # blocking intake's writes (CREATE INDEX CONCURRENTLY ix_outbox_open ON outbox (id) WHERE status IN
    # ('pending', 'sending'); likewise the other), and this migration then leaves them as they are.
    op.create_index(
        "ix_outbox_open", "outbox", ["id"], postgresql_where=OPEN, sqlite_where=OPEN, if_not_exists=True
    )
    op.create_index(
        "ix_outbox_blocking_key",
        "outbox",
        ["ordering_key", "id"],
        postgresql_where=BLOCKING_ROWS,
        sqlite_where=BLOCKING_ROWS,
        if_not_exists=True,
    )
    op.execute("ANALYZE outbox")


def downgrade() -> None:
    op.drop_index("ix_outbox_blocking_key", table_name="outbox")
    op.drop_index("ix_outbox_open", table_name="outbox")

"""transfers, webhook receipts, sync cursors, forwarded_to"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0002", "0001"  # created 2026-11-26


def upgrade() -> None:
    op.create_table(
        "sync_cursors",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("updated_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_cursors")),
    )
    op.create_table(
        "webhook_receipts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("system", sa.String(length=32), nullable=False),
        sa.Column("webhook_id", sa.String(length=200), nullable=False),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("received_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_receipts")),
        sa.UniqueConstraint("system", "webhook_id", name="uq_webhook_receipts_system_webhook_id"),
    )
    with op.batch_alter_table("webhook_receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_receipts_received_at"), ["received_at"], unique=False)

    op.create_table(
        "inquiry_transfers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("inquiry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("line", sa.String(length=16), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.Column("agent", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("transferred_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_transfers_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_transfers")),
    )
    with op.batch_alter_table("inquiry_transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inquiry_transfers_inquiry_id"), ["inquiry_id"], unique=False)

    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forwarded_to", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_column("forwarded_to")

    with op.batch_alter_table("inquiry_transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_transfers_inquiry_id"))

    op.drop_table("inquiry_transfers")
    with op.batch_alter_table("webhook_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_receipts_received_at"))

    op.drop_table("webhook_receipts")
    op.drop_table("sync_cursors")

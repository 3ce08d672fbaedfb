"""merges: 并单: duplicates as children of one master inquiry (issue 14)

A child points at its master (inquiries.master_id), with when and by whom it was merged; the candidate
lookup reads inquiries of one district and address by intake time.
"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0011", "0010"  # created 2026-12-08


def upgrade() -> None:
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("master_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.add_column(
            sa.Column("merged_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("merged_by", sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_inquiries_master_id_inquiries"), "inquiries", ["master_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_inquiries_master_id"), ["master_id"], unique=False)
        batch_op.create_index(
            "ix_inquiries_district_address", ["district", "address", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_inquiries_district_address")
        batch_op.drop_index(batch_op.f("ix_inquiries_master_id"))
        batch_op.drop_constraint(batch_op.f("fk_inquiries_master_id_inquiries"), type_="foreignkey")
        batch_op.drop_column("merged_by")
        batch_op.drop_column("merged_at")
        batch_op.drop_column("master_id")

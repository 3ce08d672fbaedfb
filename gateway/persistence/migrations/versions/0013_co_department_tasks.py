"""co_department_tasks: 协办 tasks get answered_at; 协办意见 (opinions) get a table of their own

A task is the existing inquiry_co_departments row: it gains answered_at (NULL: no opinion yet). Its due
date is not stored: it is computed on read from the lead's deadline (gateway.domain.co_departments), so
existing rows have one at once and it follows extensions. The opinions get a table of their own.
"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0013", "0012"  # created 2026-12-08


def upgrade() -> None:
    with op.batch_alter_table("inquiry_co_departments") as batch:
        batch.add_column(
            sa.Column("answered_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "inquiry_opinions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("inquiry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("author_role", sa.String(length=40), nullable=False),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_opinions_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_opinions")),
    )
    op.create_index("ix_inquiry_opinions_inquiry_id_id", "inquiry_opinions", ["inquiry_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_inquiry_opinions_inquiry_id_id", table_name="inquiry_opinions")
    op.drop_table("inquiry_opinions")
    with op.batch_alter_table("inquiry_co_departments") as batch:
        batch.drop_column("answered_at")

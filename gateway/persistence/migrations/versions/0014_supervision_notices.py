"""supervision_notices: 督办单: supervision notices and the department's response (issue 14, part 5)"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0014", "0013"  # created 2026-12-08

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _moment(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, gateway.persistence.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "supervision_notices",
        sa.Column("id", _ID, nullable=False),
        sa.Column("inquiry_id", _ID, nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _moment("respond_by", False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("issued_by_role", sa.String(length=40), nullable=False),
        _moment("issued_at", False),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        _moment("acknowledged_at", True),
        sa.Column("acknowledge_note", sa.Text(), nullable=True),
        sa.Column("responded_by", sa.String(length=100), nullable=True),
        _moment("responded_at", True),
        sa.Column("response", sa.Text(), nullable=True),
        _moment("closed_at", True),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_supervision_notices_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_notices")),
    )
    with op.batch_alter_table("supervision_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_notices_inquiry_id"), ["inquiry_id"], unique=False)
        batch_op.create_index(
            "ix_supervision_notices_department_status", ["department_code", "status"], unique=False
        )
        batch_op.create_index(
            "ix_supervision_notices_status_respond_by", ["status", "respond_by"], unique=False
        )


def downgrade() -> None:
    op.drop_table("supervision_notices")

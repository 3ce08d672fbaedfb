"""staff_sessions: console sessions kept on the server, so that logout, a password change and
deactivation end them on every instance at once (the cookie holds only the session's random id)
"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0009", "0008"  # created 2026-11-27


def upgrade() -> None:
    # Sessions from before this migration lived in their cookie alone; those cookies no longer log in.
    op.create_table(
        "staff_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_sessions_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_staff_sessions")),
    )
    op.create_index(op.f("ix_staff_sessions_user_id"), "staff_sessions", ["user_id"])
    op.create_index(op.f("ix_staff_sessions_last_seen_at"), "staff_sessions", ["last_seen_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_sessions_last_seen_at"), table_name="staff_sessions")
    op.drop_index(op.f("ix_staff_sessions_user_id"), table_name="staff_sessions")
    op.drop_table("staff_sessions")

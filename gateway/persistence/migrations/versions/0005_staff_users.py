"""staff_users: console accounts (username, scrypt password hash, role, department, lockout)"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0005", "0004"  # created 2026-11-26


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )


def downgrade() -> None:
    op.drop_table("staff_users")

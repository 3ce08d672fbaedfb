"""inquiries, events, outbox, api keys, audit log"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0001", None  # created 2026-11-26


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_prefix"), ["prefix"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_created_at"), ["created_at"], unique=False)

    op.create_table(
        "inquiries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("district", sa.String(length=64), nullable=True),
        sa.Column("citizen_name", sa.String(length=64), nullable=True),
        sa.Column("citizen_phone", sa.String(length=32), nullable=True),
        sa.Column("citizen_id_number", sa.String(length=32), nullable=True),
        sa.Column("public_consent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("routing_rule", sa.String(length=100), nullable=True),
        sa.Column("dispatched_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("calendar_estimated", sa.Boolean(), nullable=False),
        sa.Column("extension_workdays", sa.Integer(), nullable=True),
        sa.Column("escalation_count", sa.Integer(), nullable=False),
        sa.Column("reply_note", sa.Text(), nullable=True),
        sa.Column("public_reply", sa.Text(), nullable=True),
        sa.Column("replied_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.String(length=24), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.Column("closed_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
        sa.UniqueConstraint("channel", "external_id", name="uq_inquiries_channel_external_id"),
        sa.UniqueConstraint("number", name=op.f("uq_inquiries_number")),
    )
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.create_index("ix_inquiries_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inquiries_department_code"), ["department_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_inquiries_kind"), ["kind"], unique=False)
        batch_op.create_index("ix_inquiries_status_due_at", ["status", "due_at"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("ordering_key", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_ordering_key"), ["ordering_key"], unique=False)
        batch_op.create_index("ix_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "inquiry_co_departments",
        sa.Column("inquiry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_co_departments_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("inquiry_id", "department_code", name=op.f("pk_inquiry_co_departments")),
    )
    with op.batch_alter_table("inquiry_co_departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inquiry_co_departments_department_code"), ["department_code"], unique=False
        )

    op.create_table(
        "inquiry_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("inquiry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_inquiry_events_inquiry_id_inquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_events")),
    )
    with op.batch_alter_table("inquiry_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inquiry_events_inquiry_id"), ["inquiry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inquiry_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_events_inquiry_id"))

    op.drop_table("inquiry_events")
    with op.batch_alter_table("inquiry_co_departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_co_departments_department_code"))

    op.drop_table("inquiry_co_departments")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_outbox_ordering_key"))

    op.drop_table("outbox")
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_inquiries_status_due_at")
        batch_op.drop_index(batch_op.f("ix_inquiries_kind"))
        batch_op.drop_index(batch_op.f("ix_inquiries_department_code"))
        batch_op.drop_index("ix_inquiries_created_at")

    op.drop_table("inquiries")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_created_at"))

    op.drop_table("audit_log")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_prefix"))

    op.drop_table("api_keys")

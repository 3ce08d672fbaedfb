"""applications, tasks, events, evaluations, rectifications"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0004", "0003"  # created 2026-11-26


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("receipt_no", sa.String(length=24), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("joint", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("applicant_name", sa.String(length=64), nullable=False),
        sa.Column("applicant_phone", sa.String(length=32), nullable=False),
        sa.Column("applicant_id_number", sa.String(length=32), nullable=True),
        sa.Column("window", sa.String(length=64), nullable=False),
        sa.Column("accepted_by", sa.String(length=100), nullable=False),
        sa.Column("proxy", sa.String(length=100), nullable=True),
        sa.Column("incomplete", sa.Boolean(), nullable=False),
        sa.Column("supplement_due_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("supplemented_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("promised_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("calendar_estimated", sa.Boolean(), nullable=False),
        sa.Column("decided_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("refused_by", sa.String(length=32), nullable=True),
        sa.Column("delivery_method", sa.String(length=8), nullable=False),
        sa.Column("delivery_address", sa.String(length=200), nullable=True),
        sa.Column("ready_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tracking_no", sa.String(length=64), nullable=True),
        sa.Column("collected_by", sa.String(length=64), nullable=True),
        sa.Column("delivered_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("receipt_no", name=op.f("uq_applications_receipt_no")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_status"), ["status"], unique=False)
        batch_op.create_index("ix_applications_status_ready_at", ["status", "ready_at"], unique=False)

    op.create_table(
        "application_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("proxy", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_events_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "application_tasks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=False),
        sa.Column("department_name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("promised_days", sa.Integer(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("result_no", sa.String(length=64), nullable=True),
        sa.Column("decided_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_tasks_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_tasks")),
    )
    with op.batch_alter_table("application_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_tasks_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_application_tasks_department_code"), ["department_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_application_tasks_item_code"), ["item_code"], unique=False)

    op.create_table(
        "evaluations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_evaluations_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("application_id", name=op.f("uq_evaluations_application_id")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluations_department_code"), ["department_code"], unique=False)

    op.create_table(
        "rectifications",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("evaluation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("application_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("callback_note", sa.Text(), nullable=True),
        sa.Column("callback_satisfied", sa.Boolean(), nullable=True),
        sa.Column("callback_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_rectifications_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_rectifications_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications")),
        sa.UniqueConstraint("evaluation_id", name=op.f("uq_rectifications_evaluation_id")),
    )
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rectifications_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_rectifications_department_code"), ["department_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rectifications_department_code"))
        batch_op.drop_index(batch_op.f("ix_rectifications_application_id"))

    op.drop_table("rectifications")
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_department_code"))

    op.drop_table("evaluations")
    with op.batch_alter_table("application_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_tasks_item_code"))
        batch_op.drop_index(batch_op.f("ix_application_tasks_department_code"))
        batch_op.drop_index(batch_op.f("ix_application_tasks_application_id"))

    op.drop_table("application_tasks")
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_events_application_id"))

    op.drop_table("application_events")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_status_ready_at")
        batch_op.drop_index(batch_op.f("ix_applications_status"))
        batch_op.drop_index(batch_op.f("ix_applications_created_at"))

    op.drop_table("applications")

"""catalog items, versions, sync runs, job runs"""

import sqlalchemy as sa
from alembic import op

import gateway.persistence.types

revision, down_revision = "0003", "0002"  # created 2026-11-26


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("host", sa.String(length=100), nullable=False),
        sa.Column("started_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_runs_job"), ["job"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_runs_started_at"), ["started_at"], unique=False)

    op.create_table(
        "service_items",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("item_type", sa.String(length=24), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("department_name", sa.String(length=100), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("statutory_days", sa.Integer(), nullable=False),
        sa.Column("promised_days", sa.Integer(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("fee", sa.String(length=200), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("consult_phone", sa.String(length=64), nullable=True),
        sa.Column("complaint_phone", sa.String(length=64), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("guide", sa.Text(), nullable=True),
        sa.Column("accepts_incomplete", sa.Boolean(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("retired_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("source_updated_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("pinyin_full", sa.String(length=400), nullable=False),
        sa.Column("pinyin_initials", sa.String(length=200), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_items")),
        sa.UniqueConstraint("item_code", name=op.f("uq_service_items_item_code")),
    )
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.create_index("ix_service_items_department_code", ["department_code"], unique=False)
        batch_op.create_index("ix_service_items_item_type", ["item_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_items_parent_code"), ["parent_code"], unique=False)
        batch_op.create_index("ix_service_items_pinyin_full", ["pinyin_full"], unique=False)
        batch_op.create_index("ix_service_items_pinyin_initials", ["pinyin_initials"], unique=False)

    op.create_table(
        "sync_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_since", sa.String(length=40), nullable=True),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("rejects", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_runs_started_at"), ["started_at"], unique=False)

    op.create_table(
        "service_item_terms",
        sa.Column("term", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["service_items.id"],
            name=op.f("fk_service_item_terms_item_id_service_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("term", "item_id", name=op.f("pk_service_item_terms")),
    )
    with op.batch_alter_table("service_item_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_item_terms_item_id"), ["item_id"], unique=False)

    op.create_table(
        "service_item_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("sync_run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", gateway.persistence.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sync_run_id"], ["sync_runs.id"], name=op.f("fk_service_item_versions_sync_run_id_sync_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_item_versions")),
    )
    with op.batch_alter_table("service_item_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_item_versions_item_code"), ["item_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_service_item_versions_sync_run_id"), ["sync_run_id"], unique=False
        )

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_service_items_search_text_trgm",
            "service_items",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
    elif bind.dialect.name == "sqlite":
        # An external-content FTS5 table with the trigram tokenizer, kept in step by triggers.
        op.execute(
            "CREATE VIRTUAL TABLE service_items_fts USING fts5("
            "search_text, content='service_items', content_rowid='id', tokenize='trigram')"
        )
        op.execute(
            "CREATE TRIGGER service_items_fts_ai AFTER INSERT ON service_items BEGIN "
            "INSERT INTO service_items_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER service_items_fts_ad AFTER DELETE ON service_items BEGIN "
            "INSERT INTO service_items_fts(service_items_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER service_items_fts_au AFTER UPDATE OF search_text ON service_items BEGIN "
            "INSERT INTO service_items_fts(service_items_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO service_items_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("service_items_fts_ai", "service_items_fts_ad", "service_items_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS service_items_fts")
    elif bind.dialect.name == "postgresql":
        op.drop_index("ix_service_items_search_text_trgm", table_name="service_items")
    with op.batch_alter_table("service_item_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_item_versions_sync_run_id"))
        batch_op.drop_index(batch_op.f("ix_service_item_versions_item_code"))

    op.drop_table("service_item_versions")
    with op.batch_alter_table("service_item_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_item_terms_item_id"))

    op.drop_table("service_item_terms")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_runs_started_at"))

    op.drop_table("sync_runs")
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.drop_index("ix_service_items_pinyin_initials")
        batch_op.drop_index("ix_service_items_pinyin_full")
        batch_op.drop_index(batch_op.f("ix_service_items_parent_code"))
        batch_op.drop_index("ix_service_items_item_type")
        batch_op.drop_index("ix_service_items_department_code")

    op.drop_table("service_items")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_runs_started_at"))
        batch_op.drop_index(batch_op.f("ix_job_runs_job"))

    op.drop_table("job_runs")

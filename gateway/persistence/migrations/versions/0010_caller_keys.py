"""caller_keys: keyed hashes of callers' phones and ID numbers for the 重复来电 lookup

Existing rows get their keys from `flask --app wsgi caller-keys` (the migration does not hold the secret).
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0010", "0009"  # created 2026-12-08


def upgrade() -> None:
    op.add_column("inquiries", sa.Column("citizen_phone_key", sa.String(length=64), nullable=True))
    op.add_column("inquiries", sa.Column("citizen_id_key", sa.String(length=64), nullable=True))
    op.create_index("ix_inquiries_citizen_phone_key", "inquiries", ["citizen_phone_key", "id", "created_at"])
    op.create_index("ix_inquiries_citizen_id_key", "inquiries", ["citizen_id_key", "id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_inquiries_citizen_id_key", table_name="inquiries")
    op.drop_index("ix_inquiries_citizen_phone_key", table_name="inquiries")
    with op.batch_alter_table("inquiries") as batch:
        batch.drop_column("citizen_id_key")
        batch.drop_column("citizen_phone_key")

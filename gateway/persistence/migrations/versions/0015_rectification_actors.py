"""rectification_actors: who recorded a rectification's 回访 and who closed it"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0015", "0014"  # created 2026-12-08


def upgrade() -> None:
    op.add_column("rectifications", sa.Column("callback_by", sa.String(length=100), nullable=True))
    op.add_column("rectifications", sa.Column("closed_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rectifications") as batch:
        batch.drop_column("closed_by")
        batch.drop_column("callback_by")

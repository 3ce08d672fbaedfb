"""supervision_notices: 督办单: supervision notices and the department's response (filled in by issue 14's work; a no-op until then)"""

revision, down_revision = "0014", "0013"  # created 2026-12-08


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

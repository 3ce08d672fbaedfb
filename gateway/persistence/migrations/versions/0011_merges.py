"""merges: 并单: duplicates as children of one master inquiry (filled in by issue 14's work; a no-op until then)"""

revision, down_revision = "0011", "0010"  # created 2026-12-08


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

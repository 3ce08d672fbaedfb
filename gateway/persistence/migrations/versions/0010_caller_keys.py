"""caller_keys: keyed hashes of callers' phones and ID numbers for the 重复来电 lookup (filled in by issue 14's work; a no-op until then)"""

revision, down_revision = "0010", "0009"  # created 2026-12-08


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""attachments: 附件 of inquiries and replies, stored content-addressed (filled in by issue 14's work; a no-op until then)"""

revision, down_revision = "0012", "0011"  # created 2026-12-08


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

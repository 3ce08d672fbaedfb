"""co_department_tasks: 协办: each co-department's task and its 协办意见 (filled in by issue 14's work; a no-op until then)"""

revision, down_revision = "0013", "0012"  # created 2026-12-08


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

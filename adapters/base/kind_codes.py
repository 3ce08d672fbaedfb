"""The 12345 family's 诉求类型 codes: the platform's `sqlx` and the specialist lines' 来电类型 `lx`.

Both protocols list the same six codes (see adapters/hotline/PROTOCOL.md and
adapters/dept_hotline/PROTOCOL.md), so their clients read them from one table.
"""

from __future__ import annotations

from gateway.domain.inquiry import Kind

KINDS_12345: dict[str, Kind] = {
    "01": Kind.CONSULT,
    "02": Kind.HELP,
    "03": Kind.COMPLAINT,
    "04": Kind.REPORT,
    "05": Kind.SUGGESTION,
    "06": Kind.PRAISE,
}

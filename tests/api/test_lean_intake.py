from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event, select

from gateway.persistence.models import Inquiry, InquiryEvent, InquiryTransfer, OutboxMessage
from gateway.services.container import Services
from tests.conftest import inquiry_payload

INQUIRIES = "/api/v1/inquiries"


@contextmanager
def statements(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        words = statement.split()
        verb = words[0].upper() if words else ""
        if verb in ("INSERT", "DELETE"):
            seen.append(f"{verb} {words[2]}")
        elif verb == "UPDATE":
            seen.append(f"{verb} {words[1]}")
        elif verb == "SELECT":
            seen.append(verb)

    engine = services.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_intake_writes_each_row_once_in_one_statement_per_table(
    client: FlaskClient, services: Services, auth: dict[str, dict[str, str]]
) -> None:
    headers = auth["system:hotline"]
    warm = client.post(INQUIRIES, json=inquiry_payload(external_id="GD-WARM"), headers=headers)
    assert warm.status_code == 201, warm.get_json()  # the key is checked and cached

    with statements(services) as seen:
        created = client.post(INQUIRIES, json=inquiry_payload(external_id="GD-LEAN"), headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()

    # One query (the repeat check and the new id), then one INSERT per table; nothing written twice.
    assert seen[0] == "SELECT"
    writes = Counter(seen[1:])
    assert "SELECT" not in writes, seen
    assert not [s for s in seen if s.startswith(("UPDATE", "DELETE"))], seen
    assert writes == Counter(
        {
            "INSERT inquiries": 1,
            "INSERT inquiry_events": 1,
            "INSERT inquiry_transfers": 1,
            "INSERT outbox": 1,
        }
    ), seen

    with services.db.read() as session:
        stored = session.scalars(select(Inquiry).where(Inquiry.id == body["id"])).one()
        assert (
            stored.number == body["number"] == f"SQ{body['created_at'][:10].replace('-', '')}{body['id']:08d}"
        )
        assert (
            (stored.status, stored.department_code)
            == (body["status"], body["department"])
            == ("dispatched", "SFJ")
        )
        events = session.scalars(
            select(InquiryEvent.action).where(InquiryEvent.inquiry_id == body["id"]).order_by(InquiryEvent.id)
        ).all()
        assert events == ["intake", "dispatch"]
        transfers = session.scalars(
            select(InquiryTransfer.line).where(InquiryTransfer.inquiry_id == body["id"])
        ).all()
        assert transfers == ["12348"]
        messages = session.execute(
            select(OutboxMessage.target, OutboxMessage.event_type, OutboxMessage.status)
            .where(OutboxMessage.ordering_key.like(f"inquiry:{body['id']}:%"))
            .order_by(OutboxMessage.id)
        ).all()
        assert [tuple(m) for m in messages] == [
            ("hotline", "inquiry.status_changed", "pending"),
            ("dept_hotline", "transfer.create", "pending"),
        ]


def test_a_repeat_writes_nothing(
    client: FlaskClient, services: Services, auth: dict[str, dict[str, str]]
) -> None:
    headers = auth["system:hotline"]
    first = client.post(INQUIRIES, json=inquiry_payload(external_id="GD-TWICE"), headers=headers)
    assert first.status_code == 201, first.get_json()

    with statements(services) as seen:
        again = client.post(INQUIRIES, json=inquiry_payload(external_id="GD-TWICE"), headers=headers)
    assert again.status_code == 200, again.get_json()
    assert again.get_json() == first.get_json()
    assert not [s for s in seen if not s.startswith("SELECT")], seen

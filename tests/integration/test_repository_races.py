"""Unique-constraint races the account and inbound repositories translate: a receipt taken in twice and a
username taken meanwhile end as answers (False, InvalidInput), never as a database error."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from gateway.bootstrap import Services
from gateway.domain.errors import DuplicateRecord, InvalidInput
from gateway.persistence.models import Inquiry
from gateway.persistence.repositories.inquiries import InquiryRows
from gateway.persistence.user_models import StaffUser
from gateway.services.accounts import StaffService
from tests.conftest import on_both

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class PlainHasher:
    """No slow hashing: these tests are about the rows, not the passwords."""

    def hash(self, password: str) -> str:
        return f"plain:{password}"

    def verify(self, stored: str, password: str) -> bool:
        return stored == f"plain:{password}"


def receipts(services: Services, system: str, receipt_id: str) -> dict[str, object] | None:
    with services.db.reading() as uow:
        return uow.inbound.receipt(system, receipt_id)


@on_both
def test_a_receipt_taken_in_twice_is_refused_and_the_transaction_goes_on(services: Services) -> None:
    with services.db.writing() as uow:
        assert uow.inbound.add_receipt("hotline", "msg-1", {"numbers": ["A"]}, AT) is True
    with services.db.writing() as uow:
        assert uow.inbound.add_receipt("hotline", "msg-1", {"numbers": ["B"]}, AT) is False
        # Only the refused insert is undone: the rest of the transaction still commits.
        assert uow.inbound.add_receipt("hotline", "msg-2", {"numbers": ["C"]}, AT) is True
    assert receipts(services, "hotline", "msg-1") == {"numbers": ["A"]}
    assert receipts(services, "hotline", "msg-2") == {"numbers": ["C"]}
    assert receipts(services, "website", "msg-1") is None  # receipts are per system


@on_both
def test_the_inbound_service_remembers_a_receipt_once(services: Services) -> None:
    services.inbound.remember("website", "wh-1", {"numbers": ["N1"]})
    services.inbound.remember("website", "wh-1", {"numbers": ["N2"]})  # a concurrent repeat: no error
    seen = services.inbound.seen("website", "wh-1")
    assert seen is not None and (seen.references, seen.duplicate) == (["N1"], True)


@on_both
def test_a_username_taken_while_the_account_is_being_created_is_refused(services: Services) -> None:
    staff = StaffService(services.db, frozenset({"SFJ"}), services.clock, hasher=PlainHasher())
    outcome: list[BaseException | None] = []

    def create() -> None:
        try:
            staff.create("racer", "secret-pass-1", "赛跑者", "operator")
            outcome.append(None)
        except BaseException as err:  # noqa: BLE001 - the test looks at whatever it was
            outcome.append(err)

    with services.db.writing() as uow:
        row = StaffUser(
            username="racer",
            password_hash=PlainHasher().hash("first-pass-1"),
            display_name="先到者",
            role="operator",
            active=True,
            failed_logins=0,
            created_at=AT,
        )
        assert uow.accounts.add_staff(row) is True
        racing = threading.Thread(target=create)
        racing.start()
        time.sleep(0.5)  # the other creation is now waiting on this transaction (its lock or its row)
    racing.join(timeout=30)
    [err] = outcome
    assert isinstance(err, InvalidInput) and "'racer' is taken" in str(err)
    assert [info.display_name for info in staff.all()] == ["先到者"]


@on_both
def test_a_taken_username_is_refused_before_anything_is_written(services: Services) -> None:
    staff = StaffService(services.db, frozenset({"SFJ"}), services.clock, hasher=PlainHasher())
    staff.create("Clerk1", "secret-pass-1", "甲", "window")
    with pytest.raises(InvalidInput, match="'clerk1' is taken"):
        staff.create("clerk1", "secret-pass-2", "乙", "window")
    assert [(info.username, info.display_name) for info in staff.all()] == [("clerk1", "甲")]


def _new_inquiry_rows(inquiry_id: int, external_id: str, *, action: str | None) -> InquiryRows:
    rows = InquiryRows()
    rows.inquiries.append(
        Inquiry(
            id=inquiry_id, number=f"SQ{inquiry_id:08d}", channel="hotline", external_id=external_id,
            kind="consult", content="路灯不亮", status="received", public_consent=False,
            calendar_estimated=False, escalation_count=0, created_at=AT, updated_at=AT, co_departments=[],
        )
    )  # fmt: skip
    rows.events.append(
        {"inquiry_id": inquiry_id, "action": action, "from_status": None, "to_status": "received",
         "actor": "接线员", "actor_role": "operator", "note": None, "data": {}, "created_at": AT}
    )  # fmt: skip
    return rows


@on_both
def test_an_external_id_taken_first_is_a_duplicate_record(services: Services) -> None:
    with services.db.writing() as uow:
        uow.inquiries.write(_new_inquiry_rows(9001, "GD-1", action="intake"))
    with pytest.raises(DuplicateRecord), services.db.writing() as uow:
        uow.inquiries.write(_new_inquiry_rows(9002, "GD-1", action="intake"))


@on_both
def test_any_other_integrity_error_stays_the_databases_own(services: Services) -> None:
    # An event without its action breaks NOT NULL: a fault, not a race another request won, so a poll
    # must not record the work order as refused and move past it.
    with pytest.raises(IntegrityError), services.db.writing() as uow:
        uow.inquiries.write(_new_inquiry_rows(9003, "GD-2", action=None))
    with services.db.reading() as uow:
        assert uow.inquiries.by_external("hotline", "GD-2") is None

"""Intake on the in-memory fake: a repeat, and the race on (channel, external_id) another request wins."""

from __future__ import annotations

import pytest

from gateway.domain.access import Actor
from gateway.domain.errors import DuplicateRecord
from tests.conftest import inquiry_payload
from tests.fakes import fake_inquiry_service

WEBSITE = Actor("website", "system:website")


def test_a_repeated_external_id_returns_the_inquiry_taken_in_first():
    service, db, _ = fake_inquiry_service()
    first, created = service.intake(inquiry_payload(channel="website", external_id="MSG-1"), WEBSITE)
    again, created_again = service.intake(inquiry_payload(channel="website", external_id="MSG-1"), WEBSITE)
    assert (created, created_again, again.id, again.number) == (True, False, first.id, first.number)
    assert list(db.inquiries.inquiries) == [first.id]
    assert db.inquiries.actions(first.id) == ["intake", "dispatch"]  # nothing written twice


def test_losing_the_race_returns_the_winner_and_writes_nothing(monkeypatch: pytest.MonkeyPatch):
    service, db, _ = fake_inquiry_service()
    winner, _ = service.intake(inquiry_payload(channel="website", external_id="MSG-1"), WEBSITE)
    written = (len(db.inquiries.recorded_events), len(db.inquiries.messages), len(db.inquiries.transfers))
    # The repeat check ran before the winner committed: it saw nothing and took a new id.
    monkeypatch.setattr(db.inquiries, "find_or_allocate", lambda channel, external_id: (None, 99))
    found, created = service.intake(inquiry_payload(channel="website", external_id="MSG-1"), WEBSITE)
    assert (found.id, created) == (winner.id, False)
    assert list(db.inquiries.inquiries) == [winner.id]
    assert (
        len(db.inquiries.recorded_events),
        len(db.inquiries.messages),
        len(db.inquiries.transfers),
    ) == written


def test_a_race_without_a_winner_to_return_is_not_swallowed(monkeypatch: pytest.MonkeyPatch):
    service, db, _ = fake_inquiry_service()

    def refuse(rows: object) -> None:
        raise DuplicateRecord("inquiry", "(channel, external_id)")

    monkeypatch.setattr(db.inquiries, "write", refuse)
    with pytest.raises(DuplicateRecord):
        service.intake(inquiry_payload(channel="website", external_id="MSG-1"), WEBSITE)
    assert db.inquiries.inquiries == {}

"""并单's candidate rules and a master's lifecycle mirrored onto its children, on the fake unit of work
(tests/fakes.py): the same caller within 30 days, the same place within 7 days with similar text."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gateway.domain.access import Actor
from gateway.domain.lifecycle import Action
from tests.conftest import inquiry_payload
from tests.fakes import fake_inquiry_service

OPERATOR = Actor("话务员", "operator")
ADMIN = Actor("管理员", "admin")
NOISE = {
    "kind": "complaint",
    "title": "工地夜间施工噪声",
    "content": "滨江小区3栋旁工地夜间施工，噪声扰民，影响休息。",
    "district": "临江街道",
    "address": "滨江小区3栋",
}
ALIKE = {**NOISE, "title": "夜间施工噪声扰民", "content": "滨江小区3栋旁边工地每天夜间施工，噪声很大。"}
OTHER = {**NOISE, "title": "路灯不亮", "content": "小区门口路灯坏了一个月。"}


def world() -> tuple[Any, Any, Any]:
    service, db, clock = fake_inquiry_service()
    return service, db.inquiries, clock


def take_in(service: Any, store: Any, phone_key: str | None = None, **body: Any) -> int:
    view, _ = service.intake(inquiry_payload(**body), OPERATOR)
    stored = store.inquiries[view.id]
    assert stored.citizen_phone_key and stored.citizen_id_key  # intake keys the caller (caller_keys)
    # Callers told apart by the test: a phone key of its own, no ID number.
    stored.citizen_phone_key, stored.citizen_id_key = phone_key, None
    return int(view.id)


def found(service: Any, inquiry_id: int) -> list[tuple[int, list[str]]]:
    return [(c.id, c.reasons) for c in service.candidates(inquiry_id, OPERATOR)]


def test_the_same_caller_within_30_days_either_side(tmp_path: Any) -> None:
    service, store, clock = world()
    early = take_in(service, store, "k1", title="社保卡补办", content="咨询社保卡补办")
    clock.now += timedelta(days=29)
    near = take_in(service, store, "k1", title="医保报销", content="咨询医保报销比例")
    clock.now += timedelta(days=2)
    late = take_in(service, store, "k1", title="公积金", content="咨询公积金提取")
    stranger = take_in(service, store, "k2", title="公积金", content="咨询公积金提取")
    assert found(service, near) == [(late, ["same_caller"]), (early, ["same_caller"])]
    assert found(service, late) == [(near, ["same_caller"])]  # early is 31 days before
    assert found(service, stranger) == []
    assert service.candidates(near, OPERATOR)[0].why == "同一来电人"


def test_the_same_place_within_7_days_with_similar_text() -> None:
    service, store, clock = world()
    first = take_in(service, store, "a", **NOISE)
    unlike = take_in(service, store, "b", **OTHER)
    elsewhere = take_in(service, store, "c", **{**ALIKE, "district": "江滨街道"})
    clock.now += timedelta(days=6)
    second = take_in(service, store, "d", **ALIKE)
    (candidate,) = service.candidates(second, OPERATOR)
    assert (candidate.id, candidate.reasons) == (first, ["same_place"])
    assert candidate.score is not None and candidate.score >= 0.3
    assert candidate.why == f"同一地址，内容相似（{candidate.score:.2f}）"
    assert unlike not in [c for c, _ in found(service, second)] and elsewhere != candidate.id
    clock.now += timedelta(days=2)
    assert found(service, take_in(service, store, "e", **ALIKE)) == [
        (second, ["same_place"])
    ]  # first: 8 days


def test_both_reasons_and_the_same_caller_first() -> None:
    service, store, _ = world()
    place = take_in(service, store, "x", **NOISE)
    both = take_in(service, store, "k", **ALIKE)
    caller = take_in(service, store, "k", title="社保卡补办", content="咨询社保卡补办")
    mine = take_in(service, store, "k", **NOISE)
    # same caller first; among those the most similar text, then the newest
    assert found(service, mine) == [
        (both, ["same_caller", "same_place"]),
        (caller, ["same_caller"]),
        (place, ["same_place"]),
    ]


def test_children_of_this_inquiry_are_not_its_candidates() -> None:
    service, store, _ = world()
    master = take_in(service, store, "k", **NOISE)
    child = take_in(service, store, "k", **ALIKE)
    service.merge(child, master, "同一问题", OPERATOR)
    assert found(service, master) == []
    assert found(service, child) == []  # its master is where it went


def test_a_master_reply_reaches_each_child_by_its_own_channel_on_the_fake() -> None:
    service, store, _ = world()
    master = take_in(service, store, None, **NOISE)
    view, _ = service.intake(
        inquiry_payload(channel="website", external_id="W-9", public_consent=False, **ALIKE),
        Actor("网站", "system:website"),
    )
    child = int(view.id)
    # an administrator may merge across lead departments
    service.merge(child, master, "同一问题", ADMIN)
    before = len(store.sent(child))
    service.act(master, Action.ACKNOWLEDGE, {}, ADMIN)
    service.act(master, Action.REPLY, {"note": "已处理", "public_reply": "已责令停工"}, ADMIN)
    assert store.sent(child)[before:] == [
        ("website", "inquiry.status_changed"),
        ("hotline", "inquiry.status_changed"),
        ("website", "inquiry.status_changed"),
        ("hotline", "inquiry.status_changed"),
        ("website", "reply.to_writer"),
    ]
    assert store.actions(child)[-3:] == ["merge", "acknowledge", "reply"]
    assert store.inquiries[child].status == "replied" and store.inquiries[child].public_reply == "已责令停工"


def test_the_overdue_sweep_escalates_the_master_and_its_child_follows() -> None:
    service, store, clock = world()
    master = take_in(service, store, "a", **NOISE)
    child = take_in(service, store, "b", **ALIKE)
    service.merge(child, master, "同一问题", ADMIN)
    clock.now += timedelta(days=60)
    assert service.sweep_overdue(Actor("督办任务", "system:scheduler")) == 1  # the master alone
    assert store.actions(child)[-1] == "escalate" and store.inquiries[child].escalation_count == 1
    assert service.sweep_overdue(Actor("督办任务", "system:scheduler")) == 0

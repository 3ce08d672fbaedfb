from __future__ import annotations

from gateway.domain import disclosure
from gateway.domain.pii import Person

CITIZEN = Person(name="林建华", phone="13905911234")
APPLICANT = Person(name="陈晓燕", id_number="350104198805061239")


def test_a_digit_run_redaction_cannot_classify_is_masked_where_no_one_reviews() -> None:
    assert disclosure.redact("已受理，回执号123456789，请保存。") == "已受理，回执号*****6789，请保存。"
    assert disclosure.redact("电话139，5555，777") == "电话***，***5，777"
    assert disclosure.redact("电话一三九五五五五七七七七") == "电话*******七七七七"
    assert disclosure.redact(None) is None and disclosure.redact("") == ""


def test_several_people_are_redacted_in_one_pass_each_once() -> None:
    text = "林建华、陈晓燕，回执号123456789，身份证350104198805061239，电话1390 5911 234"
    expected = "林**、陈**，回执号*****6789，身份证350104********1239，电话139* ***1 234"
    assert disclosure.redact_all(text, [CITIZEN, APPLICANT, CITIZEN, CITIZEN]) == expected
    assert disclosure.redact_all(text, [APPLICANT, CITIZEN]) == expected
    assert disclosure.redact_all(text, []) == disclosure.redact(text)
    assert disclosure.redact_all(None, [CITIZEN]) is None


def test_a_payload_shown_to_staff_has_its_free_text_masked_doubtful_runs_too() -> None:
    payload = {
        "number": "SQ2026120700000012",
        "title": "林建华反映回执号123456789未到账",
        "citizen": {"name": "林建华", "phone": "13905911234", "id_number": None},
        "notes": ["回电139，0591，1234"],
    }
    assert disclosure.mask_payload(payload) == {
        "number": "SQ2026120700000012",
        "title": "林**反映回执号*****6789未到账",
        "citizen": {"name": "林**", "phone": "139****1234", "id_number": None},
        "notes": ["回电139，****，1234"],
    }

from __future__ import annotations

from gateway.domain.pii import mask_id_number, mask_name, mask_phone, redact_text
from gateway.domain.routing import InquiryFacts, RoutingRule, route

RULES = [
    RoutingRule(name="法律服务", lead="SFJ", keywords=("法律援助", "公证")),
    RoutingRule(name="噪声", lead="HBJ", co=("CGJ",), kinds=frozenset({"complaint"}), keywords=("噪音",)),
    RoutingRule(
        name="金山物业", lead="ZJJ", categories=frozenset({"物业"}), districts=frozenset({"金山街道"})
    ),
]


def test_first_matching_rule_wins():
    facts = InquiryFacts(kind="complaint", title="噪音和法律援助", content="...")
    assert route(facts, RULES) is RULES[0]


def test_kind_must_match_when_the_rule_sets_it():
    assert route(InquiryFacts(kind="consult", content="夜间噪音"), RULES) is None
    assert route(InquiryFacts(kind="complaint", content="夜间噪音"), RULES) is RULES[1]


def test_keywords_are_looked_for_in_title_too():
    assert route(InquiryFacts(kind="consult", title="公证", content="怎么办"), RULES) is RULES[0]


def test_category_and_district_both_required():
    assert (
        route(InquiryFacts(kind="help", content="x", category="物业", district="金山街道"), RULES) is RULES[2]
    )
    assert route(InquiryFacts(kind="help", content="x", category="物业", district="城门镇"), RULES) is None


def test_masks():
    assert mask_name("林建华") == "林**"
    assert mask_name("王") == "*"  # issue 12.5: at most the family name shows
    assert mask_phone("13905911234") == "139****1234"
    assert mask_phone("0591-83000101") == "*********0101"
    assert mask_id_number("350104198805061234") == "350104********1234"
    assert mask_name(None) is None


def test_redact_text_removes_phones_ids_and_names():
    text = "林建华(电话13905911234,身份证350104198805061239)反映,座机0591-83001234。"
    out = redact_text(text, names=("林建华",))
    assert "13905911234" not in out and "139****1234" in out
    assert "350104198805061239" not in out and "350104********1239" in out
    assert "83001234" not in out
    assert "林建华" not in out and "林**" in out

"""并单's rules in plain Python: the text similarity and when a merge (or its undoing) is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.merging import Side, merge_refusal, unmerge_refusal
from gateway.domain.pii import Person
from gateway.domain.similarity import BigramJaccard, TextSimilarity, bigrams, plain

MEASURE: TextSimilarity = BigramJaccard()


def test_plain_text_drops_personal_data_punctuation_and_case() -> None:
    text = "我是林建华，电话 139-0591-1234，身份证350104198805061234。Road 灯坏了!"
    assert plain(text, Person("林建华", "13905911234", "350104198805061234")) == "我是林电话身份证road灯坏了"


def test_the_same_complaint_in_other_words_scores_above_an_unrelated_one() -> None:
    a = plain("滨江小区3栋旁工地夜间施工噪声扰民")
    b = plain("反映滨江小区工地晚上施工，噪声很大，影响休息")
    c = plain("咨询社保卡补办需要哪些材料")
    assert MEASURE.score(a, b) > 0.2 > MEASURE.score(a, c) == 0.0
    assert MEASURE.score(a, a) == 1.0


def test_two_callers_writing_their_own_numbers_are_not_told_apart_by_them() -> None:
    a = plain("我是林建华，电话13905911234，路灯坏了", Person("林建华", "13905911234"))
    b = plain("我是陈秀英，电话13805917777，路灯坏了", Person("陈秀英", "13805917777"))
    assert MEASURE.score(a, b) > 0.5


@given(st.text(max_size=40), st.text(max_size=40))
def test_the_score_is_symmetric_and_between_0_and_1(a: str, b: str) -> None:
    score = MEASURE.score(a, b)
    assert 0.0 <= score <= 1.0 and score == MEASURE.score(b, a)


def test_bigrams_of_short_texts() -> None:
    assert bigrams("") == frozenset() and bigrams("灯") == {"灯"} and bigrams("路灯坏") == {"路灯", "灯坏"}


def side(id_: int, *, status: str = "dispatched", dept: str | None = "SFJ", master: int | None = None,
         children: int = 0) -> Side:  # fmt: skip
    return Side(id_, f"N{id_}", status, dept, master, children)


@pytest.mark.parametrize(
    ("child", "master", "role", "words"),
    [
        (side(1), side(1), "operator", "into itself"),
        (side(1), side(2, master=1), "operator", "a cycle"),
        (side(1), side(2, master=3), "operator", "is itself merged into inquiry 3"),
        (side(1, master=2), side(2), "operator", "already merged into N2"),
        (side(1, master=3), side(2), "operator", "already merged elsewhere"),
        (side(1, children=2), side(2), "operator", "a master of 2"),
        (side(1, status="closed"), side(2), "operator", "the child is closed"),
        (side(1), side(2, status="closed"), "operator", "the master is closed"),
        (side(1), side(2, status="replied"), "operator", "the master has been answered"),
        (side(1, status="called_back"), side(2), "operator", "the child has been answered"),
        (side(1, dept="HBJ"), side(2), "operator", "only a supervisor"),
        (side(1, dept="HBJ"), side(2), "supervisor", None),
        (side(1, dept="HBJ"), side(2), "admin", None),
        (side(1, dept=None, status="received"), side(2), "operator", None),
    ],
)
def test_merge_refusals(child: Side, master: Side, role: str, words: str | None) -> None:
    refusal = merge_refusal(child, master, role)
    assert (refusal is None) if words is None else (refusal is not None and words in refusal)


def test_unmerge_only_when_merged_and_before_the_reply() -> None:
    assert unmerge_refusal(None, None) == "not merged into any inquiry"
    assert unmerge_refusal(2, "acknowledged") is None
    for answered in ("replied", "called_back", "closed"):
        assert "only before the reply" in (unmerge_refusal(2, answered) or "")

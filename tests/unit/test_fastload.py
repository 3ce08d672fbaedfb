"""The fast loader must answer exactly as the schema does: same data, or the same ValidationError."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from schemas.catalog import ItemRecordSchema, validate_item
from schemas.fastload import compile_loader
from schemas.fields import Text

VALID: dict[str, Any] = {
    "item_code": "350104-SFJ-GG-00001-000",
    "name": "法律援助申请",
    "item_type": "public_service",
    "parent_code": None,
    "department": "仓山区司法局",
    "source_department_code": "11350104003610503X",
    "legal_basis": "《中华人民共和国法律援助法》",
    "statutory_days": 7,
    "promised_days": 3,
    "materials": [
        {"name": "居民身份证", "form": "original", "copies": 1, "required": True, "key": True},
        {"name": "经济困难状况说明", "form": "copy", "copies": 2, "required": False, "key": False},
    ],
    "steps": [{"order": 1, "name": "受理", "description": None}, {"order": 2, "name": "审查"}],
    "fee": "不收费",
    "place": "区政务服务中心一楼",
    "windows": ["综合受理窗口A01"],
    "online_url": None,
    "consult_phone": "0591-12348",
    "complaint_phone": "12345",
    "keywords": ["法律援助", "援助"],
    "guide": "申请人可到区公共法律服务中心申请。",
    "accepts_incomplete": True,
    "retired": False,
    "updated_at": "2026-11-20T09:30:00+08:00",
    "unknown_extra": "ignored",
}

SCHEMA = ItemRecordSchema()
FAST = compile_loader(SCHEMA)


def _outcome(load: Any, record: Any) -> tuple[str, Any]:
    try:
        return "ok", load(copy.deepcopy(record))
    except ValidationError as err:
        return "error", err.messages


def test_a_valid_record_loads_to_what_the_schema_loads() -> None:
    fast = FAST(copy.deepcopy(VALID))
    assert fast == SCHEMA.load(copy.deepcopy(VALID))
    assert fast["steps"][1] == {"order": 2, "name": "审查", "description": None}  # load_default applied
    assert "unknown_extra" not in fast
    assert fast["updated_at"].utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("item_code",), None),
        (("item_code",), "ab"),
        (("item_type",), "unknown"),
        (("statutory_days",), -1),
        (("statutory_days",), "7"),
        (("statutory_days",), True),
        (("materials", 0, "copies"), 100),
        (("materials", 1, "form"), "scan"),
        (("materials", 0, "extra"), "x"),  # nested schema: unknown keys are errors
        (("steps", 0, "order"), 0),
        (("steps",), "受理"),
        (("windows",), [1]),
        (("guide",), "控制\x00字符"),
        (("accepts_incomplete",), "1"),  # marshmallow's Boolean takes "1": the slow path must, too
        (("updated_at",), "2026-11-20 09:30:00"),
        (("updated_at",), "2026-11-20T09:30:00"),  # naive: AwareDateTime refuses it
    ],
)
def test_any_doubt_gives_the_schemas_own_answer(path: tuple[Any, ...], value: Any) -> None:
    record = copy.deepcopy(VALID)
    target: Any = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _outcome(FAST, record) == _outcome(SCHEMA.load, record)


def test_a_missing_required_field_is_named_by_the_schema() -> None:
    record = {k: v for k, v in VALID.items() if k != "department"}
    with pytest.raises(ValidationError) as caught:
        validate_item(record)
    assert caught.value.messages == {"department": ["Missing data for required field."]}


def test_schemas_with_hooks_are_left_to_marshmallow() -> None:
    class Hooked(Schema):
        name = fields.String()

        @post_load
        def shout(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
            return {"name": data["name"].upper()}

    schema = Hooked()
    assert compile_loader(schema)({"name": "a"}) == {"name": "A"}


class Small(Schema):
    class Meta:
        unknown = EXCLUDE

    code = fields.String(required=True, validate=validate.Length(min=2, max=4))
    label = Text(allow_none=True, validate=validate.Length(max=3))
    count = fields.Integer(strict=True, validate=validate.Range(min=0, max=9))
    flags = fields.List(fields.Boolean(), load_default=list)
    inner = fields.Nested(
        type("Inner", (Schema,), {"x": fields.Integer(required=True), "y": fields.String(allow_none=True)})
    )


_SMALL = Small()
_SMALL_FAST = compile_loader(_SMALL)
_anything = st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.text(max_size=6))
_texts = st.sampled_from(["ok", "abc", "a\x00", "\ud800", "\x7f", " x ", "toolong"])
_small = st.fixed_dictionaries(
    {"code": st.one_of(st.sampled_from(["ab", "abcd", "a", "abcde"]), _anything)},
    optional={
        "label": st.one_of(_texts, _anything),
        "count": st.one_of(st.integers(-2, 11), _anything),
        "flags": st.one_of(
            st.lists(st.one_of(st.booleans(), st.sampled_from([0, 1, "true", "x"])), max_size=3), _anything
        ),
        "inner": st.one_of(
            st.fixed_dictionaries(
                {"x": st.one_of(st.integers(), st.text(max_size=2))}, optional={"y": _anything}
            ),
            _anything,
        ),
        "other": _anything,
    },
)


@settings(max_examples=400, deadline=None)
@given(_small)
def test_fast_and_slow_paths_agree_on_arbitrary_input(data: dict[str, Any]) -> None:
    assert _outcome(_SMALL_FAST, data) == _outcome(_SMALL.load, data)


def test_a_boolean_with_its_own_truthy_and_falsy_is_left_to_the_field() -> None:
    class Strict(Schema):
        b = fields.Boolean(truthy={"yes"}, falsy={"no"})

    schema = Strict()
    assert _outcome(compile_loader(schema), {"b": True}) == _outcome(schema.load, {"b": True})
    assert compile_loader(schema)({"b": "yes"}) == {"b": True}


def test_loading_once_does_not_switch_the_fast_path_off() -> None:
    schema = Small()
    schema.load({"code": "ab"})  # registers empty hook lists on the class
    fast = compile_loader(schema)
    assert fast is not schema.load and fast({"code": "ab"}) == {"code": "ab", "flags": []}

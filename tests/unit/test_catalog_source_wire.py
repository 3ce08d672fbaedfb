from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from adapters.catalog_source import wire
from gateway.domain.errors import WireError
from tests.factories import codes_of, factory, names

GATEWAY_FIELDS = names("catalog_source.gateway_fields")


source_item = factory("catalog_source.item")


def test_a_complete_item_maps_to_the_gateway_shape() -> None:
    item = wire.item_from_source(source_item())

    assert set(item) == GATEWAY_FIELDS
    assert item["item_code"] == "350104-SFJ-GG-00011-001"
    assert item["name"] == "继承公证"
    assert item["item_type"] == "public_service"
    assert item["parent_code"] == "350104-SFJ-GG-00011-000"
    assert item["department"] == "仓山区司法局"
    assert item["source_department_code"] == "11350104003610125P"
    assert item["legal_basis"] == "《中华人民共和国公证法》第十一条"
    assert (item["statutory_days"], item["promised_days"]) == (15, 10)
    assert item["materials"] == [
        {"name": "申请人身份证", "form": "original", "copies": 1, "required": True, "key": True},
        {"name": "亲属关系证明", "form": "copy", "copies": 2, "required": True, "key": False},
        {
            "name": "授权委托书及受托人身份证",
            "form": "electronic",
            "copies": 1,
            "required": False,
            "key": False,
        },
    ]
    assert item["fee"] == "按福建省公证服务收费标准收取"
    assert item["steps"] == [
        {"order": 1, "name": "受理", "description": "窗口核对材料。"},
        {"order": 2, "name": "审查", "description": "公证员审查。"},
    ]
    assert item["place"] == "仓山区政务服务中心二楼司法行政服务区"
    assert item["windows"] == ["综合受理窗口A03", "统一出件窗口C01"]
    assert item["online_url"].startswith("https://")
    assert (item["consult_phone"], item["complaint_phone"]) == ("0591-83000112", "0591-83000199")
    assert item["keywords"] == ["继承公证", "公证", "司法局"]
    assert item["guide"].startswith("继承公证由仓山区司法局")
    assert item["accepts_incomplete"] is False
    assert item["retired"] is False
    assert item["updated_at"] == "2024-03-18T09:41:27+08:00"
    assert datetime.fromisoformat(item["updated_at"]).utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(("code", "item_type"), list(codes_of("catalog_source.sxlx").items()))
def test_every_item_type_code(code: str, item_type: str) -> None:
    assert wire.item_from_source(source_item(SXLX=code))["item_type"] == item_type


@pytest.mark.parametrize("code", ["99", "09", "XK", " 99 "])
def test_an_unknown_item_type_stays_raw_for_the_gateway_to_reject(code: str) -> None:
    assert wire.item_from_source(source_item(SXLX=code))["item_type"] == code.strip()


def test_an_unquoted_type_code_is_read_as_the_same_code() -> None:
    assert wire.item_from_source(source_item(SXLX=8))["item_type"] == "8"  # not "08": left to reject
    assert wire.ITEM_TYPES["01"] == "licensing"


@pytest.mark.parametrize(
    ("code", "form"), [("1", "original"), ("2", "copy"), ("3", "electronic"), ("7", "7")]
)
def test_material_forms(code: str, form: str) -> None:
    material = {"CLMC": "户口簿", "CLXS": code, "FS": "1", "SFBX": "1", "SFHX": "1"}
    assert wire.item_from_source(source_item(CLXX=[material]))["materials"][0]["form"] == form


@pytest.mark.parametrize(
    ("required", "key", "expected"),
    [
        ("1", "1", (True, True)),
        ("1", "0", (True, False)),
        ("0", "0", (False, False)),
        ("是", None, ("是", None)),
    ],
)
def test_material_flags(required: str, key: str | None, expected: tuple[Any, Any]) -> None:
    material = {"CLMC": "户口簿", "CLXS": "2", "FS": "3", "SFBX": required, "SFHX": key}
    mapped = wire.item_from_source(source_item(CLXX=[material]))["materials"][0]
    assert (mapped["required"], mapped["key"]) == expected
    assert mapped["copies"] == 3


@pytest.mark.parametrize(("flag", "expected"), [("1", True), ("0", False), ("", None), ("Y", "Y")])
def test_accepts_incomplete_flag(flag: str, expected: Any) -> None:
    assert wire.item_from_source(source_item(SFRQSL=flag))["accepts_incomplete"] == expected


@pytest.mark.parametrize(("status", "retired"), [("1", False), ("0", True), ("2", True), ("5", "5")])
def test_item_status_becomes_retired(status: str, retired: Any) -> None:
    assert wire.item_from_source(source_item(SXZT=status))["retired"] == retired


@pytest.mark.parametrize(
    ("charged", "standard", "fee"),
    [("0", "", "不收费"), ("0", "工本费10元", "不收费"), ("1", "工本费10元", "工本费10元"), ("1", "", None)],
)
def test_fee(charged: str, standard: str, fee: str | None) -> None:
    assert wire.item_from_source(source_item(SFSF=charged, SFBZ=standard))["fee"] == fee


def test_a_fee_standard_without_the_flag_is_kept() -> None:
    item = source_item(SFBZ="工本费10元")
    del item["SFSF"]
    assert wire.item_from_source(item)["fee"] == "工本费10元"


def test_separated_lists_accept_chinese_punctuation_and_drop_empty_parts() -> None:
    item = wire.item_from_source(source_item(BLCK="A01窗口；A02窗口; ;", GJZ="公证，继承、遗产,,"))
    assert item["windows"] == ["A01窗口", "A02窗口"]
    assert item["keywords"] == ["公证", "继承", "遗产"]


def test_a_main_item_has_no_parent() -> None:
    assert wire.item_from_source(source_item(ZXBM=""))["parent_code"] is None
    assert wire.item_from_source(source_item(ZXBM="  "))["parent_code"] is None


def test_zero_promised_days_is_an_on_the_spot_item_not_a_missing_one() -> None:
    assert wire.item_from_source(source_item(CNBJSX="0"))["promised_days"] == 0


def test_missing_fields_become_none() -> None:
    item = wire.item_from_source({})
    assert set(item) == GATEWAY_FIELDS
    assert all(value is None for value in item.values())


def test_blank_fields_become_none() -> None:
    blanks = {key: "" for key in source_item()}
    item = wire.item_from_source(blanks)
    assert all(value is None for value in item.values())


def test_values_that_do_not_fit_are_passed_on_raw() -> None:
    item = wire.item_from_source(
        source_item(FDBJSX="二十", CNBJSX="3.5", CLXX="见附件", BLLC={"XH": "1"}, GXSJ="2024/03/18", SXBM=12)
    )
    assert item["statutory_days"] == "二十"
    assert item["promised_days"] == "3.5"
    assert item["materials"] == "见附件"
    assert item["steps"] == {"XH": "1"}
    assert item["updated_at"] == "2024/03/18"
    assert item["item_code"] == 12


def test_list_entries_that_are_not_objects_are_passed_on_raw() -> None:
    item = wire.item_from_source(source_item(CLXX=["身份证"], BLLC=[None]))
    assert item["materials"] == ["身份证"]
    assert item["steps"] == [None]


def test_numbers_sent_as_numbers_are_read_too() -> None:
    item = wire.item_from_source(source_item(FDBJSX=20, CNBJSX=5))
    assert (item["statutory_days"], item["promised_days"]) == (20, 5)


@pytest.mark.parametrize("record", [None, "SXBM", ["SXBM"], 5])
def test_a_record_that_is_not_an_object_is_unreadable(record: Any) -> None:
    with pytest.raises(WireError) as err:
        wire.item_from_source(record)
    assert err.value.field == "items[]"


# ---- the simulator's broken kinds ------------------------------------------------------------------


def test_broken_missing_code() -> None:
    item = source_item()
    del item["SXBM"]
    assert wire.item_from_source(item)["item_code"] is None


def test_broken_negative_limit() -> None:
    assert wire.item_from_source(source_item(CNBJSX="-3"))["promised_days"] == -3


def test_broken_unknown_type() -> None:
    assert wire.item_from_source(source_item(SXLX="99"))["item_type"] == "99"


# ---- times ---------------------------------------------------------------------------------------------


def test_parse_time_is_beijing() -> None:
    moment = wire.parse_time("2026-11-26 10:00:00", "GXSJ")
    assert moment == datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("value", ["2026-11-26T10:00:00", "2026-11-26 10:00", "2026-02-30 10:00:00", None, 1])
def test_parse_time_refuses_other_shapes(value: Any) -> None:
    with pytest.raises(WireError) as err:
        wire.parse_time(value, "GXSJ")
    assert err.value.field == "GXSJ"


@pytest.mark.parametrize(
    ("iso", "expected"),
    [
        ("2026-11-26T02:00:00+00:00", "2026-11-26 10:00:00"),
        ("2026-11-26T10:00:00+08:00", "2026-11-26 10:00:00"),
        ("2026-11-25T20:30:00-05:00", "2026-11-26 09:30:00"),
        ("2026-11-26T10:00:00", "2026-11-26 10:00:00"),  # naive means Beijing
        ("2026-11-26T10:00:00.999+08:00", "2026-11-26 10:00:00"),  # rounded down: stays inclusive
        ("2026-12-31T16:00:00Z", "2027-01-01 00:00:00"),
    ],
)
def test_format_time(iso: str, expected: str) -> None:
    assert wire.format_time(iso) == expected


def test_format_time_refuses_what_is_not_a_time() -> None:
    with pytest.raises(WireError) as err:
        wire.format_time("yesterday")
    assert err.value.field == "gxsj_start"


def test_times_round_trip_between_utc_and_beijing() -> None:
    utc = datetime(2026, 11, 26, 17, 45, 3, tzinfo=UTC)  # past midnight in Beijing
    text = wire.format_time(utc.isoformat())
    assert text == "2026-11-27 01:45:03"
    back = wire.parse_time(text, "serverTime")
    assert back == utc
    assert wire.format_time(back.isoformat()) == text
    beijing = utc.astimezone(timezone(timedelta(hours=8)))
    assert wire.format_time(beijing.isoformat()) == text


# ---- answers -------------------------------------------------------------------------------------------


def test_read_answer() -> None:
    assert wire.read_answer({"resultCode": "200", "resultMsg": "成功"}) == ("200", "成功")
    assert wire.read_answer({"resultCode": 500, "resultMsg": "系统异常"}) == ("500", "系统异常")
    assert wire.read_answer({"code": "200"}) is None
    assert wire.read_answer(["resultCode"]) is None
    assert wire.read_answer(None) is None

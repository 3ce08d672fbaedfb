from __future__ import annotations

from typing import Any

import pytest

from adapters.hotline import catalog_wire as hotline_wire
from adapters.website import catalog_wire as website_wire
from adapters.window import catalog_wire as window_wire
from gateway.domain.errors import WireError
from tests.factories import keys_of, names, sample

# Every field name of the gateway's catalog.items_changed payload: none may appear in a system's body.
GATEWAY_NAMES = names("catalog.gateway_names")


def item(code: str = "350104-SFJ-XK-00001-000", **overrides: Any) -> dict[str, Any]:
    return sample("catalog.item", item_code=code, **overrides)


def payload(items: list[dict[str, Any]], codes: list[str] | None = None) -> dict[str, Any]:
    listed = codes if codes is not None else [i["item_code"] for i in items]
    return {"item_codes": sorted(listed), "sync_run_id": 7, "items": items}


def many(count: int) -> list[dict[str, Any]]:
    return [item(f"350104-SFJ-XK-{n:05d}-000", name=f"事项{n}") for n in range(count)]


# ---- website --------------------------------------------------------------------------------------


def test_website_guide_speaks_camel_case() -> None:
    [batch] = website_wire.guide_batches(payload([item()]))
    assert batch.call.path == "/interact/api/guides/batch"
    assert batch.call.body["batchNo"] == "7"
    [guide] = batch.call.body["guides"]
    assert guide["itemCode"] == "350104-SFJ-XK-00001-000"
    assert guide["itemTypeName"] == "行政许可"
    assert (guide["deptName"], guide["promiseDays"], guide["legalDays"]) == ("区司法局", 5, 20)
    assert guide["materialList"][0] == {
        "materialName": "设立申请书",
        "materialForm": "原件",
        "copyNum": 1,
        "mustFlag": "Y",
        "coreFlag": "Y",
    }
    assert guide["materialList"][2]["materialForm"] == "电子件"
    assert guide["processList"][1] == {"stepNo": 2, "stepName": "审查"}
    assert guide["chargeInfo"] == "不收费"
    assert guide["superviseTel"] == "12345"
    assert guide["keyWords"] == ["律所设立", "律师事务所"]
    assert guide["deficiencyAccept"] == "Y"
    assert guide["versionNo"] == 3
    assert guide["updateTime"] == "2026-11-26 10:15:00"  # Beijing time
    assert guide["publishState"] == "Y"
    assert "parentCode" not in guide
    assert not GATEWAY_NAMES & set(keys_of(batch.call.body))


def test_website_withdraws_a_retired_item() -> None:
    [batch] = website_wire.guide_batches(payload([item(retired=True)]))
    assert batch.call.body["guides"][0]["publishState"] == "N"


def test_website_skips_deleted_items_and_sends_nothing_when_all_are_gone() -> None:
    [batch] = website_wire.guide_batches(payload([item()], codes=["350104-GONE-0001", item()["item_code"]]))
    assert [g["itemCode"] for g in batch.call.body["guides"]] == [item()["item_code"]]
    assert website_wire.guide_batches(payload([], codes=["350104-GONE-0001"])) == []


def test_website_takes_500_per_call_and_pages_beyond_with_derived_keys() -> None:
    [single] = website_wire.guide_batches(payload(many(500)))
    assert single.key("catalog-run7-page0-website") == "catalog-run7-page0-website"
    batches = website_wire.guide_batches(payload(many(501)))
    assert [len(b.call.body["guides"]) for b in batches] == [500, 1]
    assert [b.key("k") for b in batches] == ["k-1", "k-2"]


@pytest.mark.parametrize(
    ("broken", "field"),
    [
        ({"items": None}, "items"),
        ({"item_codes": "350104"}, "item_codes"),
        ({"sync_run_id": "7"}, "sync_run_id"),
        ({"items": [item(item_type="penalty")]}, "items[0].item_type"),
        (
            {"items": [item(materials=[{"name": "x", "form": "scan", "copies": 1, "required": True}])]},
            "items[0].materials[0].form",
        ),
        ({"items": [item(promised_days=-1)]}, "items[0].promised_days"),
        ({"items": [item(source_updated_at="yesterday")]}, "items[0].source_updated_at"),
        ({"items": [item(code="350104-OTHER-0001")]}, "items[0].item_code"),
    ],
)
def test_website_names_the_gateway_field_it_cannot_map(broken: dict[str, Any], field: str) -> None:
    with pytest.raises(WireError) as caught:
        website_wire.guide_batches({**payload([item()]), **broken})
    assert caught.value.field == field


# ---- hotline --------------------------------------------------------------------------------------


def test_hotline_knowledge_entry_uses_the_platforms_names() -> None:
    [page] = hotline_wire.knowledge_pages(payload([item()]))
    assert page.body["pch"] == "7"
    [entry] = page.body["lb"]
    assert entry["zsbh"] == "350104-SFJ-XK-00001-000"
    assert (entry["zslx"], entry["zsbt"], entry["zsfl"]) == ("01", "律师事务所设立许可", "政务服务/行政许可")
    assert (entry["ssbm"], entry["ssbmmc"]) == ("SFJ", "区司法局")
    assert entry["gjc"] == "律所设立,律师事务所"
    assert (entry["zszt"], entry["bbh"], entry["gxsj"]) == ("1", 3, "2026-11-26 10:15:00")
    assert not GATEWAY_NAMES & set(keys_of(page.body))


def test_hotline_answer_text_holds_what_an_operator_reads_out() -> None:
    text = hotline_wire.answer_text(item(), "items[0]")
    assert "【办理时限】法定办结时限：20个工作日；承诺办结时限：5个工作日" in text
    assert "1. 设立申请书（原件1份，必须提交，核心要件）" in text
    assert "2. 律师执业证复印件（复印件3份，必须提交）" in text
    assert "3. 住所证明（电子件，非必须）" in text
    assert "【容缺受理】" in text
    assert "【办理流程】\n1. 受理：综合窗口收件并核验材料\n2. 审查\n" in text
    assert "【收费标准】不收费" in text
    assert "【办理地点】仓山区政务服务中心二楼" in text
    assert "【办理窗口】综合受理A05、综合受理A06" in text
    assert "【咨询电话】0591-83000001" in text
    assert text.index("【申请材料】") < text.index("【办事指南】")


def test_hotline_answer_text_for_an_item_done_on_the_spot_without_materials() -> None:
    text = hotline_wire.answer_text(
        item(promised_days=0, statutory_days=0, materials=[], accepts_incomplete=False), "items[0]"
    )
    assert "法定办结时限：即办；承诺办结时限：即办" in text
    assert "【申请材料】无需提交申请材料" in text
    assert "容缺" not in text


def test_hotline_answer_text_is_cut_at_the_platforms_limit() -> None:
    text = hotline_wire.answer_text(item(guide="办" * 20000), "items[0]")
    assert len(text) == hotline_wire.ANSWER_MAX
    assert text.endswith(hotline_wire.TRUNCATED)
    assert "【申请材料】" in text


def test_hotline_keywords_are_split_deduplicated_and_kept_whole_within_500() -> None:
    keywords = ["律所,设立", "设立", "律所 登记"]
    [entry] = hotline_wire.knowledge_pages(payload([item(keywords=keywords)]))[0].body["lb"]
    assert entry["gjc"] == "律所,设立,登记"
    long_words = [f"{n:02d}" + "字" * 47 for n in range(12)]  # 49 characters each
    [entry] = hotline_wire.knowledge_pages(payload([item(keywords=long_words)]))[0].body["lb"]
    assert len(entry["gjc"]) <= 500
    assert entry["gjc"].split(",") == long_words[:10]


def test_hotline_retired_item_is_invalid_and_pages_hold_200() -> None:
    items = many(300)
    items[5]["retired"] = True
    pages = hotline_wire.knowledge_pages(payload(items))
    assert [len(p.body["lb"]) for p in pages] == [200, 100]
    assert [p.key("k") for p in pages] == ["k-1", "k-2"]
    assert pages[0].body["lb"][5]["zszt"] == "0"


def test_hotline_pages_are_cut_from_item_codes_so_a_deletion_does_not_shift_them() -> None:
    items = many(300)
    codes = [i["item_code"] for i in items]
    before = hotline_wire.knowledge_pages(payload(items))
    after = hotline_wire.knowledge_pages(payload(items[1:], codes=codes))  # the first item was deleted
    assert [p.number for p in after] == [1, 2]
    assert after[1].body == before[1].body


def test_hotline_names_the_gateway_field_it_cannot_map() -> None:
    with pytest.raises(WireError) as caught:
        second = item("350104-SFJ-XK-00002-000", steps=[{"name": "x"}])
        hotline_wire.knowledge_pages(payload([item(), second]))
    assert caught.value.field == "items[1].steps[0].order"
    with pytest.raises(WireError) as caught:
        hotline_wire.knowledge_pages(payload([item(source_updated_at="2026-11-26T10:15:00")]))
    assert caught.value.field == "items[0].source_updated_at"


# ---- window ---------------------------------------------------------------------------------------


def test_window_item_uses_the_windows_names_and_codes() -> None:
    [page] = window_wire.item_pages(payload([item(parent_code="350104-SFJ-XK-00000-000")]))
    assert page.body["tbpc"] == "7"
    [entry] = page.body["sxlb"]
    assert (entry["sxbm"], entry["sxlx"]) == ("350104-SFJ-XK-00001-000", "XK")
    assert entry["sxmc"] == "律师事务所设立许可"
    assert (entry["fsxbm"], entry["bldw"], entry["bldwbm"]) == ("350104-SFJ-XK-00000-000", "区司法局", "SFJ")
    assert (entry["cnsx"], entry["fdsx"], entry["sfrq"], entry["zt"], entry["bbh"]) == (5, 20, "1", "1", 3)
    assert [m["clxs"] for m in entry["clqd"]] == ["YJ", "FYJ", "DZJ"]
    assert entry["clqd"][0] == {"clmc": "设立申请书", "clxs": "YJ", "fs": 1, "sfbx": "1", "sfhx": "1"}
    assert (entry["sfsf"], "sfbz" in entry) == ("0", False)
    assert entry["blck"] == ["综合受理A05", "综合受理A06"]
    assert entry["gxsj"] == "2026-11-26 10:15:00"
    assert not GATEWAY_NAMES & set(keys_of(page.body))


def test_window_fee_becomes_charged_flag_and_standard() -> None:
    [entry] = window_wire.item_pages(payload([item(fee="工本费10元")]))[0].body["sxlb"]
    assert (entry["sfsf"], entry["sfbz"]) == ("1", "工本费10元")
    [entry] = window_wire.item_pages(payload([item(fee=None)]))[0].body["sxlb"]
    assert "sfsf" not in entry and "sfbz" not in entry


def test_window_pages_hold_100_and_a_retired_item_is_stopped() -> None:
    items = many(250)
    items[0]["retired"] = True
    pages = window_wire.item_pages(payload(items))
    assert [len(p.body["sxlb"]) for p in pages] == [100, 100, 50]
    assert [p.key("k") for p in pages] == ["k-1", "k-2", "k-3"]
    assert pages[0].body["sxlb"][0]["zt"] == "0"


def test_window_names_the_gateway_field_it_cannot_map() -> None:
    with pytest.raises(WireError) as caught:
        window_wire.item_pages(payload([item(materials=[{"name": "x", "form": "copy", "copies": 1}])]))
    assert caught.value.field == "items[0].materials[0].required"
    with pytest.raises(WireError) as caught:
        window_wire.item_pages(payload([item(version=0)]))
    assert caught.value.field == "items[0].version"

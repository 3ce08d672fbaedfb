"""The simulated 事项库's items, made on demand from (seed, content index, version): nothing is stored.

The catalog is an endless, deterministic sequence of item families. Family f is base item
`BASES[f % len(BASES)]` in round `f // len(BASES)`; round 0 is the plain item, later rounds carry a
qualifier (where and how it is handled: a 街道, 全程网办, 告知承诺制 …) so every name stays distinct. A
family is a 主项 followed by its 子项 (none, or 2-5 of them). Content index c numbers every item of every
family in turn; only the first index of each family is kept (a compact array), so finding an item's
family is one bisection.
"""

from __future__ import annotations

import time
from array import array
from bisect import bisect_right
from functools import cache, lru_cache
from itertools import combinations
from typing import Any

from adapters.catalog_source.sim_vocab import (
    APPLICANTS,
    APPROACHES,
    BASES,
    DEPARTMENTS,
    DISTRICT,
    MATERIALS,
    STREETS,
    TYPE_ABBR,
    Base,
)

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
BROKEN_KINDS = ("missing_code", "negative_limit", "unknown_type")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BEIJING_OFFSET = 8 * 3600
_DEPT_INDEX = {dept.abbr: i + 1 for i, dept in enumerate(DEPARTMENTS)}
_RETENTIVE = ("01", "02", "06", "08")  # types for which 容缺受理 is offered at all


def mix(*values: int) -> int:
    """A 64-bit hash of integers (splitmix64 rounds): fast, stateless, the same on every run."""
    x = GOLDEN
    for value in values:
        x = ((x ^ (value & MASK)) + GOLDEN) & MASK
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
        x ^= x >> 31
    return x


def format_stamp(seconds: int) -> str:
    """Epoch seconds -> the platform's `yyyy-MM-dd HH:mm:ss` Beijing time."""
    return time.strftime(TIME_FORMAT, time.gmtime(seconds + BEIJING_OFFSET))


def _qualifiers(round_: int) -> list[str]:
    """Round r of a base item -> its qualifiers; round 0 has none, and no two rounds share them."""
    street, rest = round_ % (len(STREETS) + 1), round_ // (len(STREETS) + 1)
    approach, rest = rest % (len(APPROACHES) + 1), rest // (len(APPROACHES) + 1)
    applicant, batch = rest % (len(APPLICANTS) + 1), rest // (len(APPLICANTS) + 1)
    parts = []
    if applicant:
        parts.append(APPLICANTS[applicant - 1])
    if approach:
        parts.append(APPROACHES[approach - 1])
    if street:
        parts.append(STREETS[street - 1])
    if batch:
        parts.append(f"第{batch + 1}批")
    return parts


class Catalog:
    """Makes the items of one seed; `cover(n)` must have been called for every index asked about."""

    def __init__(self, seed: int, count: int) -> None:
        self.seed = seed
        self._starts = array("q", [0])  # first content index of each family, plus the end
        self.cover(count)

    def cover(self, count: int) -> None:
        """Extend the family index so that content indices below count are known."""
        while self._starts[-1] < count:
            family = len(self._starts) - 1
            self._starts.append(self._starts[-1] + 1 + len(self._subitems(family)))

    def family(self, content: int) -> tuple[int, int]:
        """(family, position in it: 0 the 主项, 1… its 子项) of a content index."""
        family = bisect_right(self._starts, content) - 1
        return family, content - self._starts[family]

    def code(self, content: int) -> str:
        """The item's 事项编码."""
        return _code(*self.family(content))

    def _subitems(self, family: int) -> tuple[str, ...]:
        base = BASES[family % len(BASES)]
        if not base.subitems:
            return ()
        h = mix(self.seed, family, 1)
        if base.variants and h % 100 < 50:
            return ()  # a variant set is only split into 子项 for some families
        count = min(len(base.subitems), 2 + (h >> 8) % 4)
        choices = _subsets(len(base.subitems), count)
        return tuple(base.subitems[i] for i in choices[(h >> 16) % len(choices)])

    def item(
        self, content: int, *, version: int, gxsj: int, status: str, broken: str | None
    ) -> dict[str, Any]:
        """The item as the platform lists it (PROTOCOL.md), at the given version, stamp and status."""
        family, sub = self.family(content)
        base = BASES[family % len(BASES)]
        h = mix(self.seed, content, 2)  # the item's own dice: bits 0-7, 8-15, 16-23 are used
        qualifiers = _qualifiers(family // len(BASES))
        variant: str | None = None
        core = base.name
        if sub:
            option = self._subitems(family)[sub - 1]
            variant, core = (option, base.name) if base.variants else (None, option)
        parts = ([variant] if variant else []) + qualifiers
        name = core + (f"（{'，'.join(parts)}）" if parts else "")
        if version:
            name += f"（第{version + 1}版）"
        street = next((q for q in qualifiers if q in STREETS), None)
        code = _code(family, sub)
        promised = max(0, min(base.statutory, base.promised - h % 3) - version)
        fee = "工本费10元" if variant in ("补证", "证件补发") else base.fee
        phones = _phones(base, family)
        place = f"{street}便民服务中心" if street else f"仓山区政务服务中心{base.dept.hall}"
        windows = (
            f"{street}便民服务中心综合窗口"
            if street
            else f"综合受理窗口A{family % 12 + 1:02d};统一出件窗口C{family % 3 + 1:02d}"
        )
        stage = 0 if not version else 1 if version % 2 else 2
        materials = _materials(family % len(BASES), core + (variant or ""), (h >> 16) % 100 < 60, stage)
        # 容缺受理 only makes sense when some material is not core (非核心要件).
        retentive = (
            base.sxlx in _RETENTIVE and (h >> 8) % 100 < 35 and any(m["SFHX"] == "0" for m in materials)
        )
        record: dict[str, Any] = {
            "SXBM": code,
            "SXMC": name,
            "SXLX": base.sxlx,
            "ZXBM": _code(family, 0) if sub else "",
            "SSBM": base.dept.code,
            "SSBMMC": base.dept.name,
            "SDYJ": base.basis,
            "FDBJSX": str(base.statutory),
            "CNBJSX": str(promised),
            "CLXX": materials,
            "SFSF": "1" if fee else "0",
            "SFBZ": fee,
            "BLLC": [dict(step) for step in _steps(family % len(BASES), promised)],
            "BLDD": place,
            "BLCK": windows,
            "WSBLDZ": f"https://zwfw.fujian.example/bs/{code}",
            "ZXDH": phones[0],
            "JDTSDH": phones[1],
            "GJZ": ",".join(dict.fromkeys([core, base.name, *parts, *base.dept.topic.split(",")])),
            "BSZN": _guide(name, base, place, promised, fee, retentive, phones[0]),
            "SFRQSL": "1" if retentive else "0",
            "SXZT": status,
            "BBH": str(version + 1),
            "GXSJ": format_stamp(gxsj),
        }
        if broken == "missing_code":
            del record["SXBM"]
        elif broken == "negative_limit":
            record["CNBJSX"] = "-3"
        elif broken == "unknown_type":
            record["SXLX"] = "99"
        return record


def _code(family: int, sub: int) -> str:
    base = BASES[family % len(BASES)]
    return f"{DISTRICT}-{base.dept.abbr}-{TYPE_ABBR[base.sxlx]}-{family:05d}-{sub:03d}"


@cache
def _subsets(options: int, count: int) -> tuple[tuple[int, ...], ...]:
    """Every choice of count of the options, in order (at most C(8, 4) = 70)."""
    return tuple(combinations(range(options), count))


def _phones(base: Base, family: int) -> tuple[str, str]:
    index = _DEPT_INDEX[base.dept.abbr]
    return f"0591-8300{index:02d}{10 + family % 8:02d}", f"0591-8300{index:02d}99"


def _materials(base_index: int, form_name: str, proxy: bool, stage: int) -> list[dict[str, str]]:
    """Fresh copies: the same few lists serve many items."""
    return [dict(entry) for entry in _material_entries(base_index, form_name, proxy, stage)]


@lru_cache(maxsize=4096)
def _material_entries(base_index: int, form_name: str, proxy: bool, stage: int) -> tuple[dict[str, str], ...]:
    # stage 0: as generated; 1: an odd version (a 告知承诺书 added); 2: an even one (a material dropped)
    keys = list(dict.fromkeys(["sfz", "sqb", *BASES[base_index].materials]))
    if proxy:
        keys.append("wts")
    if stage == 1:
        keys.append("cns")
    elif stage == 2:
        optional = [k for k in keys if not MATERIALS[k][4]]
        if optional:
            keys.remove(optional[-1])  # a change that drops a non-core material (减材料)
    entries = []
    for key in keys:
        name, form, copies, required, core = MATERIALS[key]
        entries.append(
            {
                "CLMC": name.format(name=form_name),
                "CLXS": form,
                "FS": str(copies),
                "SFBX": "1" if required else "0",
                "SFHX": "1" if core else "0",
            }
        )
    return tuple(entries)


@lru_cache(maxsize=1024)
def _steps(base_index: int, promised: int) -> tuple[dict[str, str], ...]:
    base = BASES[base_index]
    dept = base.dept.name
    if promised == 0:
        steps = [
            ("受理", "窗口工作人员核对申请材料，符合条件的当场受理。"),
            ("办结", "当场办结并出具办理结果。"),
        ]
    elif base.sxlx == "03":
        steps = [
            ("申请", "申请人向窗口或网上办事大厅提交申请。"),
            ("受理", "窗口核对材料，材料齐全的予以受理。"),
            ("审核", f"{dept}对申请人条件进行审核，必要时入户调查。"),
            ("公示", "审核结果在社区（村）公示七日。"),
            ("发放", "公示无异议的，按月发放至申请人账户。"),
        ]
    elif base.sxlx == "06":
        steps = [
            ("提交", "备案人提交备案材料。"),
            ("核对", "窗口核对备案材料是否齐全。"),
            ("备案", f"{dept}予以备案并出具备案回执。"),
        ]
    else:
        steps = [
            ("受理", "窗口工作人员核对申请材料，材料齐全、符合法定形式的予以受理。"),
            ("审查", f"{dept}对申请材料进行审查，需要现场核查的组织核查。"),
            ("决定", f"{dept}在{promised}个工作日内作出决定。"),
            ("送达", "办理结果通过统一出件窗口送达或免费寄递。"),
        ]
    return tuple({"XH": str(i), "HJMC": name, "HJSM": text} for i, (name, text) in enumerate(steps, start=1))


def _guide(name: str, base: Base, place: str, promised: int, fee: str, retentive: bool, phone: str) -> str:
    limit = (
        "本事项为即办件，材料齐全的当场办结。"
        if promised == 0
        else f"法定办结时限为{base.statutory}个工作日，承诺办结时限为{promised}个工作日。"
    )
    return (
        f"{name}由{base.dept.name}负责实施，设定依据为{base.basis}。"
        f"申请人可到{place}或通过福建省网上办事大厅提交申请"
        f"{'，非核心要件欠缺的可容缺受理' if retentive else ''}。"
        f"{limit}{f'收费标准：{fee}。' if fee else '本事项不收费。'}咨询电话：{phone}。"
    )

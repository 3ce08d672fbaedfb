"""Deterministic, varied Chinese inquiries for the intake benchmark (same seed, same bodies).

The shape follows schemas/inquiry.py InquiryIn (see tests/conftest.py inquiry_payload). The mix is
meant to look like a district 12345 hotline day: every kind, topics that the routing catalogue in
config.yaml sends to a department (法律援助, 欠薪, 噪音, 物业, 食品安全, 入学, …) and some that match no
rule and stay in the manual queue (路灯, 井盖, 表扬), names, mobile numbers, valid ID numbers for about
half the callers, addresses for most.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

SURNAMES = "林陈黄张王李刘吴郑杨周徐何郭罗高谢翁游卓"
GIVEN = [
    "建华",
    "秀英",
    "志强",
    "丽娟",
    "明辉",
    "晓燕",
    "国平",
    "美玲",
    "文斌",
    "淑芬",
    "子涵",
    "宇轩",
    "雨欣",
    "俊杰",
    "海燕",
    "丽华",
    "金水",
    "依依",
    "春生",
    "巧玲",
    "德明",
    "慧敏",
    "思远",
    "梓萱",
]
DISTRICTS = [
    "临江街道",
    "金山街道",
    "城门镇",
    "盖山镇",
    "建新镇",
    "南苑街道",
    "上渡街道",
    "螺洲镇",
    "仓前街道",
]
COMMUNITIES = [
    "阳光花园",
    "金山碧水",
    "福湾新城",
    "万科城",
    "榕城广场",
    "盘屿新村",
    "白湖亭小区",
    "清凉山庄",
    "浦上家园",
    "橘园洲",
    "龙津新苑",
    "东岭社区",
]
PHONE_PREFIXES = [
    "139",
    "138",
    "137",
    "135",
    "136",
    "158",
    "159",
    "186",
    "187",
    "188",
    "133",
    "153",
    "177",
    "180",
    "189",
    "191",
    "199",
    "150",
    "151",
    "152",
]
# Fuzhou districts' administrative codes, for plausible ID numbers.
REGIONS = ["350104", "350102", "350103", "350105", "350111", "350121", "350181", "350128"]


@dataclass(frozen=True)
class Topic:
    kinds: tuple[str, ...]
    titles: tuple[str, ...]
    facts: tuple[str, ...]
    asks: tuple[str, ...]
    category: str | None = None


TOPICS: tuple[Topic, ...] = (
    Topic(
        kinds=("complaint", "complaint", "report", "consult"),
        titles=("夜间施工噪音扰民", "楼下商铺音响噪音大", "广场舞噪音扰民", "工地凌晨施工噪声严重"),
        facts=(
            "{place}附近工地每天晚上{hour}点以后仍在施工，噪音很大，家里老人小孩无法休息。",
            "{place}楼下商铺每天用大功率音响招揽顾客，噪音持续到深夜，多次沟通无果。",
            "{place}广场每晚有人跳广场舞，音响开得很大，影响周边居民休息。",
        ),
        asks=(
            "希望环保部门尽快到现场核查处理。",
            "请相关部门督促施工单位遵守夜间施工规定。",
            "请尽快处理并回复。",
        ),
        category="环境保护",
    ),
    Topic(
        kinds=("complaint", "help", "report"),
        titles=("工地拖欠农民工工资", "公司拖欠工资{months}个月", "讨要欠薪无门", "劳务公司不签劳动合同"),
        facts=(
            "来电人在{place}附近的建筑工地务工，包工头已拖欠{months}个月工资共计{money}元，多次讨要未果。",
            "来电人原在某公司上班，离职后公司拖欠最后{months}个月工资{money}元，不予结算。",
            "来电人反映所在单位未缴纳社保，也未签订劳动合同，现被辞退要求补偿。",
        ),
        asks=("希望劳动监察部门帮助追讨欠薪。", "请相关部门介入协调。", "诉求：尽快拿到工资。"),
        category="劳动保障",
    ),
    Topic(
        kinds=("consult", "consult", "help"),
        titles=(
            "申请法律援助需要什么材料",
            "咨询法律援助申请条件",
            "如何申请人民调解",
            "咨询免费法律咨询地点",
        ),
        facts=(
            "来电人咨询申请法律援助需要准备哪些材料，家庭经济困难，想打工伤赔偿官司。",
            "来电人与邻居因房屋漏水产生纠纷，咨询能否申请人民调解。",
            "来电人咨询{district}哪里可以提供免费的法律咨询，办理时间是什么时候。",
        ),
        asks=("请告知办理流程。", "希望有关部门给予答复。", "请电话回复来电人。"),
        category="法律服务",
    ),
    Topic(
        kinds=("complaint", "help", "suggestion", "complaint"),
        titles=("小区物业不作为", "电梯经常故障困人", "楼顶漏水物业不处理", "物业费上涨未公示"),
        facts=(
            "{place}小区电梯近一个月故障{times}次，曾有老人被困，物业只是简单维修。",
            "{place}顶楼漏水严重，已经报修{times}次，物业一直推诿不处理。",
            "{place}物业擅自上调物业费，没有召开业主大会也没有公示。",
        ),
        asks=("希望住建部门督促物业整改。", "请相关部门协调处理。", "请尽快解决。"),
        category="物业管理",
    ),
    Topic(
        kinds=("complaint", "report"),
        titles=("餐馆使用过期食材", "外卖食品卫生问题", "超市出售过期食品", "饭店后厨卫生脏乱"),
        facts=(
            "来电人{day}在{place}附近一家餐馆就餐后腹泻，怀疑店家使用过期食材。",
            "来电人通过外卖平台点餐，收到的饭菜里有异物，商家拒绝退款。",
            "{place}附近超市货架上有多款过期食品仍在销售。",
        ),
        asks=("请市场监管部门调查处理。", "希望依法查处。", "请核实后回复处理结果。"),
        category="食品安全",
    ),
    Topic(
        kinds=("consult", "consult", "suggestion", "help"),
        titles=("咨询小学入学报名时间", "幼儿园学位不足", "咨询随迁子女入学材料", "学校周边交通拥堵"),
        facts=(
            "来电人孩子今年满六周岁，户籍在{district}，咨询小学入学报名时间和需要的材料。",
            "{place}周边新建小区多，幼儿园学位明显不足，很多孩子只能去很远的地方上学。",
            "来电人是外地来榕务工人员，咨询随迁子女在{district}入学需要哪些证明。",
        ),
        asks=("请教育部门答复。", "建议增加学位。", "请告知具体政策。"),
        category="教育",
    ),
    Topic(
        kinds=("suggestion", "complaint", "consult"),
        titles=("建议增加公交班次", "公交站台破损", "网约车乱停放", "公交车到站不停"),
        facts=(
            "{place}附近的公交线路早高峰班次太少，每次都要等二三十分钟。",
            "{place}公交站台顶棚破损，下雨天乘客无处避雨。",
            "来电人{day}在{place}站等车，公交车到站不停直接开走。",
        ),
        asks=("建议交通部门优化线路。", "请尽快维修。", "请核实处理。"),
        category="交通出行",
    ),
    Topic(
        kinds=("consult", "help", "help"),
        titles=("咨询高龄津贴申领", "低保申请流程", "残疾人补贴咨询", "独居老人需要救助"),
        facts=(
            "来电人父亲今年{age}岁，户籍在{district}，咨询高龄津贴如何申领。",
            "来电人家庭困难，爱人患病，咨询{district}低保申请需要什么材料。",
            "{place}有一位独居老人行动不便，生活困难，希望社区给予救助。",
        ),
        asks=("请民政部门答复。", "希望给予帮助。", "请告知办理流程。"),
        category="社会救助",
    ),
    Topic(
        kinds=("report", "complaint"),
        titles=("小区顶楼违章搭建", "私搭乱建占用消防通道", "一楼住户违建"),
        facts=(
            "{place}顶楼住户正在违章搭建彩钢房，存在安全隐患。",
            "{place}一楼住户私搭乱建，占用了消防通道。",
        ),
        asks=("请城管部门依法拆除。", "请尽快核查。"),
        category="城市管理",
    ),
    Topic(
        kinds=("praise",),
        titles=("表扬社区工作人员", "感谢行政服务中心工作人员", "表扬派出所民警"),
        facts=(
            "来电人表扬{place}社区网格员{name}，在台风期间挨家挨户帮助独居老人转移。",
            "来电人到行政服务中心办事，工作人员耐心细致，一次就办好了。",
            "来电人{day}丢失钱包，民警很快帮忙找回，特此表扬。",
        ),
        asks=("希望给予表扬。", "特此致谢。"),
    ),
    Topic(
        kinds=("report", "help", "suggestion"),
        titles=("路灯不亮", "井盖缺失存在隐患", "道路积水严重", "绿化带杂草丛生"),
        facts=(
            "{place}路段的路灯已经坏了{times}个星期，晚上出行很不安全。",
            "{place}人行道上有一处井盖缺失，只用树枝简单围挡。",
            "{place}每逢下雨路面积水严重，车辆和行人通行困难。",
        ),
        asks=("请尽快维修。", "请相关部门处理。", "建议加强巡查。"),
    ),
)

DAYS = ["昨天", "前天", "今天上午", "本周一", "上周末", "{n}月{d}日"]


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng: random.Random) -> str:
    """A well-formed 18-digit resident ID number (GB 11643 check digit)."""
    body = (
        rng.choice(REGIONS)
        + f"{rng.randint(1945, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + f"{rng.randrange(1000):03d}"
    )
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _fill(text: str, rng: random.Random, district: str, place: str) -> str:
    day = rng.choice(DAYS).replace("{n}", str(rng.randint(1, 12))).replace("{d}", str(rng.randint(1, 28)))
    return text.format(
        place=place,
        district=district,
        hour=rng.randint(10, 12),
        months=rng.randint(2, 8),
        money=rng.randrange(3000, 60000, 100),
        times=rng.randint(2, 6),
        day=day,
        age=rng.randint(80, 99),
        name=name(rng),
    )


def inquiry(rng: random.Random, external_id: str) -> dict[str, Any]:
    """One inquiry body (channel hotline), drawn from rng."""
    topic = rng.choice(TOPICS)
    district = rng.choice(DISTRICTS)
    community = rng.choice(COMMUNITIES)
    place = district + community
    facts = rng.sample(topic.facts, k=min(len(topic.facts), rng.choice((1, 1, 2))))
    content = "".join(_fill(f, rng, district, place) for f in facts) + rng.choice(topic.asks)
    if rng.random() < 0.15:  # some callers talk a lot: operators transcribe it all
        content += "来电人情绪较为激动，表示此前已多次反映，" * rng.randint(2, 8) + "要求尽快给予答复。"
    body: dict[str, Any] = {
        "channel": "hotline",
        "external_id": external_id,
        "kind": rng.choice(topic.kinds),
        "title": _fill(rng.choice(topic.titles), rng, district, place),
        "content": content,
        "district": district,
        "citizen": {"name": name(rng), "phone": phone(rng)},
        "public_consent": rng.random() < 0.6,
    }
    if rng.random() < 0.5:
        body["citizen"]["id_number"] = id_number(rng)
    if rng.random() < 0.8:
        body["address"] = f"{place}{rng.randint(1, 40)}号楼{rng.randint(1, 4)}单元{rng.randint(101, 3208)}"
    if topic.category and rng.random() < 0.5:
        body["category"] = topic.category
    return body


class InquiryStream:
    """An endless, reproducible sequence of inquiries with unique external ids."""

    def __init__(self, seed: int, id_prefix: str) -> None:
        self.rng = random.Random(seed)
        self.prefix = id_prefix
        self.n = 0

    def next(self) -> dict[str, Any]:
        self.n += 1
        return inquiry(self.rng, f"{self.prefix}{self.n:07d}")

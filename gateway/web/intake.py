"""Logging an inquiry fast (电话登记, and at the counter), the knowledge panel and the dispatch suggestion."""

from __future__ import annotations

import re
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import PII, READ, intake
from gateway.domain.inquiry import Channel, Kind
from gateway.domain.lifecycle import Action, Status
from gateway.domain.routing import DispatchMode, InquiryFacts
from gateway.web import labels
from gateway.web.common import actor, attempt, blank_none, load, services
from gateway.web.inquiries import bp, department_name
from gateway.web.security import requires
from schemas.inquiry import InquiryIn

# The routes live on the inquiries blueprint: /console/inquiries/new, …/knowledge.json, …/suggest.json.

MODES = ("save", "dispatch", "auto", "reply")  # 仅登记, 登记并派单, 登记并按规则派单, 即时答复并办结
# Words that carry no subject: cut out so that the rest of a sentence can be searched for.
_FILLERS = re.compile(
    r"来电人|来电|市民|咨询|请问|反映|需要|准备|哪些|什么|怎么|如何|可以|是否|能否|我想|想要|一下|我们|我的|"
    r"在哪里|哪里|多久|多少|的|了|吗|呢|吧|啊|和|与|及|或|[\s,，。.!！?？;；:：、()（）\"“”'‘’]+"
)


def inquiry_data(channel: str) -> dict[str, Any]:
    """The form as an intake body (the same shape and checks as POST /api/v1/inquiries)."""
    form = request.form
    citizen = {
        "name": form.get("citizen_name", "").strip(),
        "phone": form.get("citizen_phone", "").strip(),
        "id_number": blank_none(form.get("citizen_id_number")),
    }
    return {
        "channel": channel,
        # No external_id: a channel's own ids come only from its system (its webhook or key).
        "kind": form.get("kind", ""),
        "title": blank_none(form.get("title")),
        "content": form.get("content", "").strip(),
        "category": blank_none(form.get("category")),
        "district": blank_none(form.get("district")),
        "address": blank_none(form.get("address")),
        "citizen": citizen,
        "public_consent": form.get("public_consent") == "1",
    }


def dispatch_choice(mode: str) -> dict[str, Any] | None:
    """The button pressed as the intake body's `dispatch`; None when 派单 has no department chosen."""
    if mode == "dispatch":
        department = (request.form.get("department") or "").strip()
        if not department:
            return None
        co = [c for c in dict.fromkeys(request.form.getlist("co_departments")) if c and c != department]
        return {"mode": DispatchMode.MANUAL.value, "department": department, "co_departments": co}
    if mode == "auto":
        return {"mode": DispatchMode.AUTO.value}
    return {"mode": DispatchMode.NONE.value}  # 仅登记, and 即时答复 (answered, so never routed)


def handle(channel: str, template: str) -> Response | tuple[str, int] | str:
    """GET: the form; POST: one intake that does what was chosen (register, dispatch, or answer and close)."""
    if request.method == "GET":
        return render_template(template, form={}, channel=channel, modes=MODES)
    mode = request.form.get("mode", "save")
    mode = mode if mode in MODES else "save"
    choice = dispatch_choice(mode)
    data = load(InquiryIn, {**inquiry_data(channel), **({"dispatch": choice} if choice else {})})
    reply = (request.form.get("instant_reply") or "").strip()
    if data is not None and mode == "reply" and not reply:
        flash("即时答复须填写答复内容。", "error")
        data = None
    if data is not None and choice is None:
        flash("派单须选择承办单位。", "error")
        data = None
    if data is None:
        return render_template(template, form=request.form, channel=channel, modes=MODES), 422
    who = actor()
    if mode == "reply":
        # 即时答复: answered on the call, so the inquiry is not routed; it is replied at intake, then closed.
        data["instant_reply"] = {"note": reply, "public_reply": reply if data["public_consent"] else None}
    created = attempt(lambda: services().inquiries.intake(data, who))
    if created is None:
        return render_template(template, form=request.form, channel=channel, modes=MODES), 422
    view = created[0]
    if mode == "reply" and view.status == Status.REPLIED.value:
        inquiries = services().inquiries
        view = attempt(lambda: inquiries.act(view.id, Action.CLOSE, {"note": "即时答复办结"}, who)) or view
    flash(f"已登记 {view.number}（{labels.STATUSES.get(view.status, view.status)}）", "success")
    return redirect(url_for("console.inq.detail", inquiry_id=view.id))


@bp.route("/new", methods=["GET", "POST"])
@requires(intake(Channel.HOTLINE))  # a window clerk logs at the counter (窗口登记诉求), never by phone
def new() -> Response | tuple[str, int] | str:
    """电话登记: keyboard first, with the knowledge panel and the dispatch suggestion beside the form."""
    return handle("hotline", "console/inquiries/new.html")


def search_terms(text: str, limit: int = 6) -> list[str]:
    """Pieces of a typed sentence to search for: its subject words, then 4-character windows of long ones."""
    text = text.strip()[:200]
    if not text:
        return []
    if text.isascii():
        return [text]  # a code or pinyin: as typed
    pieces = [p for p in _FILLERS.split(text) if len(p) >= 2]
    terms: list[str] = []
    for piece in sorted(pieces, key=len, reverse=True):
        candidates = [piece] + ([piece[i : i + 4] for i in range(len(piece) - 3)] if len(piece) > 4 else [])
        for term in candidates:
            if term not in terms:
                terms.append(term)
    return terms[:limit]


@bp.route("/caller-history.json", methods=["GET"])
@requires(PII)
def caller_history() -> Response:
    """重复来电: the caller's inquiries of the last 12 months, for the panel beside 电话登记 (audited)."""
    page = services().inquiries.caller_history(request.args.get("phone", "")[:40], actor())
    return jsonify(
        total=page.total,
        items=[
            {
                "number": i.number,
                "url": url_for("console.inq.detail", inquiry_id=i.id),
                "date": labels.local(i.created_at, "%Y-%m-%d"),
                "title": i.title,
                "channel": labels.CHANNELS.get(i.channel, i.channel),
                "status": labels.STATUSES.get(i.status, i.status),
                "department": department_name(i.department),
                "satisfaction": labels.SATISFACTION.get(i.satisfaction or "", ""),
            }
            for i in page.items
        ],
    )


@bp.route("/knowledge.json", methods=["GET"])
@requires(READ)
def knowledge() -> Response:
    """知识库: catalog items and past public replies for what the operator is typing."""
    text = request.args.get("q", "")
    items: dict[str, dict[str, Any]] = {}
    replies: dict[str, dict[str, Any]] = {}
    who = actor()
    for term in search_terms(text):
        for item in services().catalog.search(term, limit=5).items:
            hit = items.setdefault(item["item_code"], {**item, "hits": 0})
            hit["hits"] += 1
        for reply in services().inquiries.public_replies(term, who, limit=5):
            hit = replies.setdefault(reply["number"], {**reply, "hits": 0})
            hit["hits"] += 1
        if len(items) >= 8 and len(replies) >= 5:
            break
    ranked = sorted(items.values(), key=lambda i: -i["hits"])[:8]
    return jsonify(
        items=[
            {
                "item_code": i["item_code"],
                "name": i["name"],
                "department": i["department_name"],
                "promised_days": i["promised_days"],
                "type": i["item_type_label"],
                "url": url_for("console.win.item", item_code=i["item_code"]),
            }
            for i in ranked
        ],
        replies=[
            {
                "number": r["number"],
                "title": r["title"],
                "public_reply": r["public_reply"],
                "kind": labels.KINDS.get(r["kind"], r["kind"]),
            }
            for r in sorted(replies.values(), key=lambda r: -r["hits"])[:5]
        ],
        terms=search_terms(text),
    )


@bp.route("/suggest.json", methods=["GET"])
@requires(READ)
def suggest() -> Response:
    """The dispatch the routing rules (派单目录) would make for the form as typed so far."""
    args = request.args
    kind = args.get("kind") or ""
    kind = kind if kind in {k.value for k in Kind} else Kind.CONSULT.value
    facts = InquiryFacts(
        kind=kind,
        content=args.get("content", "")[:20000],
        title=args.get("title") or None,
        category=args.get("category") or None,
        district=args.get("district") or None,
    )
    return jsonify(suggestion=services().inquiries.suggest(facts))

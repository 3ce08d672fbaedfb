"""综合窗口: find an item (Chinese, pinyin initials or code), its guide on one screen, accept an application,
and log a citizen's inquiry at the counter."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from gateway.domain.access import APP_ACCEPT, READ
from gateway.web import labels
from gateway.web.common import (
    actor,
    arg,
    attempt,
    blank_none,
    load,
    services,
)
from gateway.web.excel import Sheet, export_response
from gateway.web.intake import handle
from gateway.web.listing import every_row, page_of
from gateway.web.security import requires
from schemas.applications import ApplicationIn

bp = Blueprint("win", __name__, url_prefix="/window")

CODE = "<string(maxlength=64):item_code>"


@bp.route("/items", methods=["GET"])
@requires(READ)
def items() -> str:
    """事项查询: by Chinese text, full pinyin, pinyin initials or item code; best match first."""
    search = partial(
        services().catalog.search,
        arg("q"),
        department=arg("department"),
        item_type=arg("type", labels.ITEM_TYPE_LABELS),
    )
    items, pager = page_of(search)
    return render_template("console/window/items.html", items=items, pager=pager)


@bp.route("/items/export.xlsx", methods=["GET"])
@requires(READ)
def items_export() -> Response:
    """The search result to Excel (audited)."""
    q, department, item_type = arg("q"), arg("department"), arg("type", labels.ITEM_TYPE_LABELS)
    found: list[dict[str, Any]] = every_row(
        partial(services().catalog.search, q, department=department, item_type=item_type)
    )
    rows = [
        [
            i["item_code"],
            i["name"],
            i["item_type_label"],
            i["department_name"],
            i["statutory_days"],
            i["promised_days"],
        ]
        for i in found
    ]
    headers = ["事项编码", "事项名称", "事项类型", "实施主体", "法定办结时限(工作日)", "承诺办结时限(工作日)"]
    filters = {"text": q, "department": department, "item_type": item_type}
    return export_response("service_items", filters, "事项清单", [Sheet("事项清单", headers, rows)])


@bp.route(f"/items/{CODE}", methods=["GET"])
@requires(READ)
def item(item_code: str) -> str:
    """办事指南 on one screen: materials checklist, time limits, fee, place; and the acceptance form."""
    return _item_page(item_code, {}, None, session.get("window_name", "综合窗口"))


def _item_page(item_code: str, form: Mapping[str, Any], ticked: set[str] | None, window_name: str) -> str:
    """The item's guide with the acceptance form, blank or as the clerk filled it in; 404 for no item."""
    detail = attempt(lambda: services().catalog.get(item_code))
    if detail is None:
        abort(404)
    return render_template(
        "console/window/item.html", item=detail, form=form, ticked=ticked, window_name=window_name
    )


@bp.route(f"/items/{CODE}/accept", methods=["POST"])
@requires(APP_ACCEPT)
def accept(item_code: str) -> Response | tuple[str, int]:
    """前台综合受理 with the checklist as ticked; a missing material is accepted only under 容缺 rules."""
    form = request.form
    window_name = (form.get("window") or "").strip()
    data: dict[str, Any] = {
        "item_codes": [item_code],
        "applicant": {
            "name": form.get("applicant_name", "").strip(),
            "phone": form.get("applicant_phone", "").strip(),
            "id_number": blank_none(form.get("applicant_id_number")),
        },
        "materials": {item_code: form.getlist("material")},
        "window": window_name,
        "proxy": blank_none(form.get("proxy")),
        "delivery_method": form.get("delivery_method") or "pickup",
        "delivery_address": blank_none(form.get("delivery_address")),
    }
    loaded = load(ApplicationIn, data)
    app = attempt(lambda: services().applications.accept(loaded, actor())) if loaded is not None else None
    if app is None:
        return _item_page(item_code, form, set(form.getlist("material")), window_name or "综合窗口"), 422
    session["window_name"] = window_name[:64]
    note = ""
    if app["incomplete"]:
        owed = [
            m["name"] for t in app["tasks"] for m in t["materials"] if m["required"] and not m["provided"]
        ]
        due = labels.local(app["supplement_due_at"], "%Y-%m-%d")
        note = f"（容缺受理：{'、'.join(owed)} 须在 {due} 前补齐）"
    flash(f"已受理，受理编号 {app['receipt_no']}{note}", "success")
    return redirect(url_for("console.win_apps.application", app_id=app["id"]))


@bp.route("/inquiry", methods=["GET", "POST"])
@requires(APP_ACCEPT)
def counter() -> Response | tuple[str, int] | str:
    """窗口登记诉求: a citizen's inquiry taken at the counter."""
    return handle("window", "console/window/counter.html")

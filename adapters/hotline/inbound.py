"""The 12345 platform's pushes (新工单推送, 回访结果推送) in, and the answers it expects back."""

from __future__ import annotations

from adapters.base.json_body import load_object
from adapters.base.port import Ack
from adapters.hotline import codes, wire
from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent

PUSH_WORK_ORDER = "XGD"  # 新工单推送
PUSH_CALLBACK = "HFJG"  # 回访结果推送

# HTTP status -> (platform error code, Chinese label put before the reason).
_REJECTIONS: dict[int, tuple[str, str]] = {
    400: (codes.E_FORMAT, "推送数据不合法"),
    401: (codes.E_AUTH, "身份认证失败"),
    403: (codes.E_AUTH, "身份认证失败"),
    404: (codes.E_NOT_FOUND, "工单不存在"),
    409: (codes.E_STATE, "状态冲突"),
    413: (codes.E_FORMAT, "推送数据过大"),
    422: (codes.E_FORMAT, "推送数据不合法"),
    429: (codes.E_THROTTLED, "请求过于频繁，请稍后重试"),
    503: (codes.E_UNAVAILABLE, "服务暂不可用"),
}


class HotlineInbound:
    """Reads the platform's signed pushes to /webhooks/hotline (the signature is checked before parse)."""

    system = codes.SYSTEM

    def parse(self, body: bytes) -> list[InboundEvent]:
        """The push's events in the gateway's terms; WireError names the platform's field."""
        envelope = load_object(body, "body")  # the one reader: size, depth, UTF-8 JSON object
        kind = envelope.get("tslx")
        if kind == PUSH_WORK_ORDER:
            return [wire.inquiry_event(envelope.get("sj"))]
        if kind == PUSH_CALLBACK:
            return [wire.callback_event(envelope.get("sj"))]
        if kind is None or kind == "":
            raise WireError("tslx", "is required")
        raise WireError("tslx", f"unknown push type '{kind}'")

    def accepted(self, references: list[str], duplicate: bool) -> Ack:
        """成功, with the gateway's 诉求编号 as wbbh and sfcf (是否重复)."""
        return Ack(
            200,
            {
                "code": codes.OK,
                "msg": "重复推送，已处理" if duplicate else "成功",
                "data": {"wbbh": ",".join(references), "sfcf": "1" if duplicate else "0"},
            },
        )

    def rejected(self, status: int, reason: str) -> Ack:
        """The platform's error body for the gateway's refusal."""
        if status in _REJECTIONS:
            code, label = _REJECTIONS[status]
        elif status >= 500:
            code, label = codes.E_INTERNAL, "网关系统内部错误"
        else:
            code, label = codes.E_FORMAT, "请求被拒绝"
        return Ack(status, {"code": code, "msg": f"{label}：{reason}" if reason else label})

from __future__ import annotations

import json

import pytest

from adapters.base.json_body import MAX_DEPTH, load_object
from gateway.domain.errors import WireError


def nested(depth: int) -> bytes:
    return b'{"a": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


def refusal(body: bytes, **kwargs: int | str) -> WireError:
    with pytest.raises(WireError) as err:
        load_object(body, **kwargs)  # type: ignore[arg-type]
    return err.value


def test_32_levels_are_read_and_33_are_refused_naming_the_limit() -> None:
    assert MAX_DEPTH == 32
    assert load_object(nested(32)) == json.loads(nested(32))
    err = refusal(nested(33))
    assert (err.field, err.reason) == ("$", "请求体JSON嵌套超过32层")


def test_brackets_inside_strings_do_not_count() -> None:
    text = "[" * 100 + '\\"{' + "]" * 100
    body = json.dumps({"content": text, "note": "}}}]]]", "q": 'a"b\\'}, ensure_ascii=False).encode()
    assert load_object(body)["content"] == text


def test_deep_input_never_raises_recursion_error() -> None:
    for body in (b"[" * 100_000, b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000):
        assert refusal(body).reason == "请求体JSON嵌套超过32层"
    ten_megabytes = b"[" * 10_000_000
    assert refusal(ten_megabytes, max_bytes=20_000_000).reason == "请求体JSON嵌套超过32层"


def test_size_is_checked_before_anything_is_decoded() -> None:
    err = refusal(b"[" * 10_000_000)
    assert (err.field, err.reason) == ("$", "请求体超过1048576字节")
    assert refusal(b'{"a": "xxxxxxxxxx"}', max_bytes=10).reason == "请求体超过10字节"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "请求体不是UTF-8编码的JSON"),
        (b"\xff\xfe", "请求体不是UTF-8编码的JSON"),
        (b"", "请求体不是UTF-8编码的JSON"),
        (b"1" * 5000, "请求体不是UTF-8编码的JSON"),  # past Python's int digit limit
        (b"[]", "请求体应为JSON对象"),
    ],
)
def test_other_unreadable_bodies_name_the_problem(body: bytes, reason: str) -> None:
    err = refusal(body, field="body")
    assert (err.field, err.reason) == ("body", reason)


def test_unterminated_strings_are_refused() -> None:
    # Shapes that once made the scan quadratic; how fast it is, a loaded machine cannot judge (no timing).
    many = b"[" * 40  # past the quick count, so the strings are scanned
    for body in (many + b'"' + b'\\"' * 500_000, many + b'"' + b"\\" * 1_000_000, b'["[' * 300_000):
        assert refusal(body).field == "$"

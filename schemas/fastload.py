"""A fast path for loading plainly valid data through a marshmallow schema, for bulk feeds.

`Schema.load` costs about 3-4 µs per field in bookkeeping (error stores, getters, partial handling),
and nested lists of small objects multiply it: a catalog record with its materials and steps is ~70
field loads, ~250 µs, most of a 100,000-item sync. The loader compiled here walks the same schema with
the fields' own `_deserialize` and validators and none of that bookkeeping. It never decides that
something is invalid: at the first hint of trouble (a missing required field, a wrong type, a failed
validator, anything it does not model) it gives up and the schema's own `load` runs, which returns
the same result or raises the same ValidationError as always. So the schema stays the one definition
of what is valid and of every error message; this only skips work for records that pass.

What it models: leaf fields (their `_deserialize`, or a `fast_deserialize(value)` the field offers for
the common case, which raises when unsure; and their `validators`), `List` and `Nested` (single, no
`only`/`exclude`), `required`, `allow_none`, `load_default`, `data_key`, `attribute` without dots,
and `unknown` = EXCLUDE or RAISE. A schema or field with hooks (pre_load, post_load, validates...)
is not modeled: its loader is just `schema.load`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, fields, missing

Loader = Callable[[Any], Any]


class _GiveUp(Exception):
    """The fast path cannot vouch for this value; the schema's load decides."""


def _exactly(kind: type) -> Loader:
    """For a field whose _deserialize returns a value of exactly this type unchanged."""

    def convert(value: Any) -> Any:
        if type(value) is not kind:
            raise _GiveUp
        return value

    return convert


# Fields of exactly these classes hand back a value of the same exact type as it came (for Integer only
# when strict: the lenient one also converts "7"). Subclasses may do more and are not assumed to.
_EXACT: dict[type, Loader] = {
    fields.String: _exactly(str),
    fields.Integer: _exactly(int),
    fields.Boolean: _exactly(bool),
}


def _plain(field: fields.Field[Any]) -> bool:
    """Whether a field of an _EXACT class takes its own type unchanged: Integer only when strict (the
    lenient one also converts "7"), Boolean only when True and False are among its truthy/falsy."""
    if isinstance(field, fields.Integer):
        return bool(field.strict)
    if isinstance(field, fields.Boolean):
        return True in field.truthy and False in field.falsy
    return True


def compile_loader(schema: Schema) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A function with `schema.load`'s result for one mapping, much faster when the data is valid."""
    fast = _schema_loader(schema)
    if fast is None:
        return schema.load

    def load(data: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return fast(data)  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001 - any doubt at all: the schema itself decides (and names the error)
            return schema.load(data)  # type: ignore[no-any-return]

    return load


def _schema_loader(schema: Schema) -> Loader | None:
    if any(schema._hooks.values()) or schema.many or schema.partial:  # noqa: SLF001 - no public view of hooks
        return None
    unknown = schema.unknown
    if unknown not in (EXCLUDE, RAISE):
        return None
    steps: list[tuple[str, str, Loader]] = []
    for attr_name, field in schema.load_fields.items():
        key = field.data_key if field.data_key is not None else attr_name
        out = field.attribute or attr_name
        if "." in out:
            return None
        loader = _field_loader(field, attr_name)
        if loader is None:
            return None
        steps.append((key, out, loader))
    known = frozenset(key for key, _, _ in steps)

    def load(data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise _GiveUp
        if unknown == RAISE and not known.issuperset(data):
            raise _GiveUp
        result: dict[str, Any] = {}
        get = data.get
        for key, out, loader in steps:
            value = loader(get(key, missing))
            if value is not missing:
                result[out] = value
        return result

    return load


def _field_loader(field: fields.Field[Any], name: str) -> Loader | None:
    if field.pre_load or field.post_load:
        return None
    if isinstance(field, fields.Nested):
        if field.only or field.exclude or field.many or field.unknown is not None:
            return None
        nested = field.schema
        if nested.only or nested.exclude:
            return None
        convert = _schema_loader(nested)
    elif isinstance(field, fields.List):
        inner = _field_loader(field.inner, name)
        if inner is None:
            return None
        element = inner

        def convert(value: Any) -> Any:
            if not isinstance(value, list):
                raise _GiveUp
            return [element(v) for v in value]

    elif isinstance(field, (fields.Dict, fields.Pluck, fields.Method, fields.Function, fields.Constant)):
        return None
    elif (exact := _EXACT.get(type(field))) is not None and _plain(field):
        convert = exact
    elif callable(fast := getattr(field, "fast_deserialize", None)):
        convert = fast
    else:
        deserialize = field._deserialize  # noqa: SLF001 - the field's own conversion, without the bookkeeping

        def convert(value: Any) -> Any:
            return deserialize(value, name, None)

    if convert is None:
        return None
    required, allow_none, default = field.required, field.allow_none, field.load_default
    validators = tuple(field.validators)
    body = convert

    def load(value: Any) -> Any:
        if value is missing:
            if required:
                raise _GiveUp
            return default() if callable(default) else default
        if value is None:
            if allow_none:
                return None
            raise _GiveUp
        output = body(value)
        for check in validators:
            if check(output) is False:  # a plain function says no by returning False
                raise _GiveUp
        return output

    return load

"""The shape config.yaml must have: marshmallow schemas per section, and the checks across sections."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.domain.inquiry import Kind

KNOWN_JOBS = ("deliver", "hotline_poll", "catalog_sync", "deadline_sweep")

_CODE = validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$", error="must be 1-32 letters, digits, '_' or '-'")


class _DepartmentSchema(Schema):
    code = fields.String(required=True, validate=_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    contact = fields.String(load_default="")


class _RuleSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1))
    lead = fields.String(required=True, validate=_CODE)
    co = fields.List(fields.String(validate=_CODE), load_default=list)
    kinds = fields.List(fields.String(validate=validate.OneOf([k.value for k in Kind])), load_default=list)
    categories = fields.List(fields.String(), load_default=list)
    keywords = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)
    districts = fields.List(fields.String(), load_default=list)


class _DeadlineSchema(Schema):
    workdays = fields.Dict(
        keys=fields.String(validate=validate.OneOf([k.value for k in Kind])),
        values=fields.Integer(strict=True, validate=validate.Range(min=0, max=365)),
        required=True,
    )
    return_window_workdays = fields.Integer(strict=True, load_default=2, validate=validate.Range(min=0))
    max_extension_workdays = fields.Integer(strict=True, load_default=10, validate=validate.Range(min=1))
    due_soon_workdays = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=0))
    co_department_workdays_before = fields.Integer(
        strict=True, load_default=2, validate=validate.Range(min=0)
    )

    @validates_schema
    def _every_kind(self, data: dict[str, Any], **_: Any) -> None:
        missing = [k.value for k in Kind if k.value not in data.get("workdays", {})]
        if missing:
            raise ValidationError(f"missing a deadline for: {', '.join(missing)}", "workdays")


class _YearOverrideSchema(Schema):
    holidays = fields.List(fields.Date(), load_default=list)
    workdays = fields.List(fields.Date(), load_default=list)
    complete = fields.Boolean(load_default=True)


class _CalendarSchema(Schema):
    overrides = fields.Dict(
        keys=fields.Integer(strict=False, validate=validate.Range(min=1990, max=2200)),
        values=fields.Nested(_YearOverrideSchema),
        load_default=dict,
    )


class _EndpointSchema(Schema):
    base_url = fields.Url(required=True, require_tld=False, schemes={"http", "https"})
    timeout_seconds = fields.Float(load_default=10.0, validate=validate.Range(min=0.1, max=120))


class _LineSchema(_EndpointSchema):
    code = fields.String(
        required=True, validate=validate.Regexp(r"^[0-9]{3,8}$", error="must be a phone line number")
    )
    name = fields.String(required=True, validate=validate.Length(min=1))
    department = fields.String(required=True, validate=_CODE)
    transfer_kinds = fields.List(
        fields.String(validate=validate.OneOf([k.value for k in Kind])), load_default=list
    )


class _SystemsSchema(Schema):
    hotline = fields.Nested(_EndpointSchema, required=True)
    website = fields.Nested(_EndpointSchema, required=True)
    window = fields.Nested(_EndpointSchema, required=True)
    catalog_source = fields.Nested(_EndpointSchema, required=True)
    department = fields.Nested(_EndpointSchema, required=True)
    dept_hotline = fields.List(fields.Nested(_LineSchema), load_default=list)


class _DeliverySchema(Schema):
    max_attempts = fields.Integer(strict=True, load_default=8, validate=validate.Range(min=1, max=100))
    backoff_base_seconds = fields.Float(load_default=2.0, validate=validate.Range(min=0.01))
    backoff_cap_seconds = fields.Float(load_default=900.0, validate=validate.Range(min=0.01))
    lease_seconds = fields.Float(load_default=60.0, validate=validate.Range(min=1))
    batch_size = fields.Integer(strict=True, load_default=50, validate=validate.Range(min=1, max=1000))
    concurrency = fields.Integer(strict=True, load_default=8, validate=validate.Range(min=1, max=64))
    poll_interval_seconds = fields.Float(load_default=1.0, validate=validate.Range(min=0.01))
    breaker_failures = fields.Integer(strict=True, load_default=5, validate=validate.Range(min=1))
    breaker_cooldown_seconds = fields.Float(load_default=30.0, validate=validate.Range(min=0.1))


_CHANNEL = validate.OneOf(["hotline", "website", "window", "dept_hotline", "api"])


class _InterconnectSchema(Schema):
    forward_to_hotline = fields.List(fields.String(validate=_CHANNEL), load_default=lambda: ["website"])
    publish_replies_from = fields.List(
        fields.String(validate=_CHANNEL), load_default=lambda: ["website", "hotline"]
    )
    notify_origin = fields.Boolean(load_default=True)
    reply_to_writer = fields.Boolean(load_default=True)


class _ApplicationsSchema(Schema):
    supplement_workdays = fields.Integer(strict=True, load_default=5, validate=validate.Range(min=1, max=60))
    pickup_workdays = fields.Integer(strict=True, load_default=10, validate=validate.Range(min=1, max=60))
    rectification_workdays = fields.Integer(
        strict=True, load_default=5, validate=validate.Range(min=1, max=60)
    )


class _SupervisionSchema(Schema):
    response_workdays = fields.Integer(strict=True, load_default=2, validate=validate.Range(min=1, max=60))
    max_response_workdays = fields.Integer(
        strict=True, load_default=30, validate=validate.Range(min=1, max=60)
    )


class _JobSchema(Schema):
    every_seconds = fields.Float(required=True, validate=validate.Range(min=0.5, max=86400 * 7))
    enabled = fields.Boolean(load_default=True)


class _LimitsSchema(Schema):
    max_body_bytes = fields.Integer(load_default=1_048_576, validate=validate.Range(min=1024))
    trusted_proxies = fields.Integer(load_default=0, validate=validate.Range(min=0, max=5))
    login_failures_per_address = fields.Integer(load_default=30, validate=validate.Range(min=5))


class _AttachmentsSchema(Schema):
    max_file_bytes = fields.Integer(strict=True, load_default=10_485_760, validate=validate.Range(min=1024))
    max_inquiry_bytes = fields.Integer(
        strict=True, load_default=52_428_800, validate=validate.Range(min=1024)
    )
    types = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z]+/[a-z0-9.+-]+$")),
        load_default=lambda: ["image/jpeg", "image/png", "application/pdf", "audio/mpeg"],
        validate=validate.Length(min=1),
    )
    storage = fields.String(load_default="filesystem", validate=validate.OneOf(["filesystem", "s3"]))
    directory = fields.String(load_default="var/attachments")
    s3_bucket = fields.String(load_default="gateway-attachments")
    s3_endpoint_url = fields.String(load_default=None, allow_none=True)
    s3_region = fields.String(load_default="cn-north-1")
    s3_prefix = fields.String(load_default="attachments/")
    link_seconds = fields.Integer(strict=True, load_default=86400, validate=validate.Range(min=60))
    public_url = fields.Url(load_default="http://127.0.0.1:8000", require_tld=False)

    @validates_schema
    def _file_within_inquiry(self, data: dict[str, Any], **_: Any) -> None:
        if data["max_file_bytes"] > data["max_inquiry_bytes"]:
            raise ValidationError("must not exceed max_inquiry_bytes", "max_file_bytes")


class ConfigSchema(Schema):
    departments = fields.List(
        fields.Nested(_DepartmentSchema), required=True, validate=validate.Length(min=1)
    )
    routing = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Nested(_RuleSchema)), load_default=dict
    )
    deadlines = fields.Nested(_DeadlineSchema, required=True)
    calendar = fields.Nested(_CalendarSchema, load_default=dict)
    limits = fields.Nested(_LimitsSchema, load_default=lambda: _LimitsSchema().load({}))
    environment = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    systems = fields.Nested(_SystemsSchema, required=True)
    delivery = fields.Nested(_DeliverySchema, load_default=dict)
    interconnect = fields.Nested(_InterconnectSchema, load_default=dict)
    jobs = fields.Dict(
        keys=fields.String(validate=validate.OneOf(KNOWN_JOBS)),
        values=fields.Nested(_JobSchema),
        load_default=dict,
    )
    applications = fields.Nested(_ApplicationsSchema, load_default=dict)
    supervision = fields.Nested(_SupervisionSchema, load_default=dict)
    attachments = fields.Nested(_AttachmentsSchema, load_default=lambda: _AttachmentsSchema().load({}))

    @validates_schema
    def _known_departments(self, data: dict[str, Any], **_: Any) -> None:
        codes = [d["code"] for d in data.get("departments", [])]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValidationError(f"duplicate department code: {', '.join(duplicates)}", "departments")
        for i, rule in enumerate(data.get("routing", {}).get("rules", [])):
            for code in [rule["lead"], *rule["co"]]:
                if code not in codes:
                    raise ValidationError(
                        {"rules": {str(i): [f"unknown department code '{code}'"]}}, "routing"
                    )
        for i, line in enumerate(data.get("systems", {}).get("dept_hotline", [])):
            if line["department"] not in codes:
                raise ValidationError(
                    {"dept_hotline": {str(i): [f"unknown department code '{line['department']}'"]}}, "systems"
                )
        for year, override in data.get("calendar", {}).get("overrides", {}).items():
            for day in [*override["holidays"], *override["workdays"]]:
                if day.year != year:
                    raise ValidationError({"overrides": {str(year): [f"{day} is not in {year}"]}}, "calendar")

"""/api/v1/inquiries/{id}/attachments: upload (multipart), list (metadata) and download of 附件."""

from __future__ import annotations

from functools import partial
from io import BytesIO
from typing import Any

from flask import Response, request, send_file
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from gateway.api.auth import current_actor, protected, services
from gateway.api.errors import GatewayBlueprint
from gateway.api.paging import paged
from gateway.api.spec import FIRST_ID, link_to, links, operation_id
from gateway.domain.access import ATTACH, READ
from gateway.domain.attachments import NewFile
from gateway.services.attachments import AttachmentSnapshot
from gateway.services.attachments.service import Marks
from schemas.attachments import AttachmentOut, ContentQuery, UploadIn

_BaseParser: Any = type(GatewayBlueprint.ARGUMENTS_PARSER)


class _MultipartParser(_BaseParser):  # type: ignore[misc]
    """The gateway's parser plus one location: a multipart body's files and fields as one document."""

    __location_map__ = {**_BaseParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req: Any, schema: Any) -> Any:
        return MultiDictProxy(CombinedMultiDict([req.files, req.form]), schema)


class AttachmentBlueprint(GatewayBlueprint):
    """A blueprint whose bodies may be multipart/form-data (documented as one request body)."""

    ARGUMENTS_PARSER = _MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **GatewayBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


blp = AttachmentBlueprint(
    "attachments",
    __name__,
    url_prefix="/api/v1/inquiries",
    description="附件: files of inquiries, replies",
)

ID = "<int(max=9223372036854775807):inquiry_id>"
ATT = "<int(max=9223372036854775807):attachment_id>"
NO_SUCH = "no such inquiry (or attachment)"
# The first attachment of a list leads to its download.
DOWNLOAD = link_to(
    "attachments", ["download_attachment"], inquiry_id="$response.body#/0/inquiry_id", attachment_id=FIRST_ID
)
_SLACK = 256 * 1024  # multipart framing and form fields around the files


@blp.before_request
def _room_for_files() -> None:
    """The upload may be larger than other API bodies: up to the per-inquiry limit (each file is then
    checked, and refused by name); a body larger still is refused with 413 unread."""
    if request.method == "POST":
        request.max_content_length = services().settings.attachments.max_inquiry_bytes + _SLACK


@blp.route(f"/{ID}/attachments", endpoint="attachments")
class Attachments(MethodView):
    """An inquiry's attachments."""

    @blp.response(200, AttachmentOut(many=True))
    @links(blp, [200], DOWNLOAD)
    @blp.alt_response(404, description=NO_SUCH)
    @blp.paginate()
    @operation_id(blp, "list_attachments")
    @protected(blp, READ)
    def get(self, inquiry_id: int, pagination_parameters: PaginationParameters) -> list[AttachmentSnapshot]:
        """The inquiry's attachments, oldest first: metadata only, paged (X-Pagination header)."""
        find = partial(services().attachments.find, inquiry_id, current_actor())
        return paged(pagination_parameters, find)

    @blp.arguments(UploadIn, location="multipart")
    @blp.response(201, AttachmentOut(many=True), description="attached")
    @links(blp, [201], DOWNLOAD)
    @blp.alt_response(404, description=NO_SUCH)
    @blp.alt_response(413, description="a file (named in errors.files) is over a size limit; none stored")
    @operation_id(blp, "upload_attachments")
    @protected(blp, ATTACH)
    def post(self, data: dict[str, Any], inquiry_id: int) -> tuple[list[AttachmentSnapshot], int]:
        """Attach files (multipart/form-data, field `files`, one or more). Each is checked against the
        limits of config.yaml, its type judged from its bytes; if one is refused (413 too large, 422 a type
        not allowed or a name lying about it, the file named in errors.files), none is stored."""
        files = [NewFile(part.filename or "unnamed", part.read()) for part in data["files"]]
        marks = Marks(data.get("kind"), data["holds_personal_data"], data["public"])
        return services().attachments.upload(inquiry_id, files, marks, current_actor()), 201


_BINARY = {"*/*": {"schema": {"type": "string", "format": "binary"}}}


@blp.route(f"/{ID}/attachments/{ATT}/content", methods=["GET"])
@blp.arguments(ContentQuery, location="query")
@blp.doc(responses={"200": {"description": "the file, with its media type", "content": _BINARY}})
@blp.alt_response(404, description=NO_SUCH)
@operation_id(blp, "download_attachment")
@protected(blp, READ)
def download_attachment(query: dict[str, Any], inquiry_id: int, attachment_id: int) -> Response:
    """The file. One holding personal data (a recording, a scan) is a reveal: it needs pii:read and a
    `reason`, and the read is written to the audit log."""
    got = services().attachments.download(inquiry_id, attachment_id, current_actor(), query.get("reason"))
    response = send_file(
        BytesIO(got.content),
        mimetype=got.attachment.media_type,
        download_name=got.attachment.filename,
        as_attachment=not query["inline"],
        etag=got.attachment.sha256,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response

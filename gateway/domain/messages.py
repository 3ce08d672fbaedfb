"""Outbound message types: what the gateway tells other systems, in its own terms.

Every payload is JSON with the gateway's own field names; adapters map them to each system's protocol.
Times are ISO 8601 strings with +08:00. Citizens' personal data appears only where the receiver needs
it to do its job (the 12345 platform must be able to call the citizen back).

``inquiry.status_changed``  to the channel the inquiry came from, and to the hotline if it was forwarded there
    {inquiry_id, number, external_id, origin, action, status, department, department_name, due_at, at,
     note?, reason?, workdays?, public_reply? (only with the citizen's consent, redacted as published),
     satisfaction?}
    external_id is the receiver's own id when the inquiry came from it, else null (the receiver then
    knows the inquiry by number).

``workorder.create``  to the hotline: a website (or window) inquiry is forwarded to 12345 (互联互通; the type
    keeps the platform's word, 工单, because stored messages carry it)
    {inquiry_id, number, origin, external_id, kind, title, content, category, address, district,
     citizen: {name, phone, id_number}, public_consent, created_at}

``reply.publish``  to the website: a consented public reply, personal data removed
    {inquiry_id, number, origin, external_id, kind, title, public_reply, department_name, replied_at,
     review?: {doubts: [{field, start, end, digits}]}}
    title, public_reply and department_name are redacted (gateway.domain.pii.redact) with the inquiry's
    own citizen; ``review`` is present only when redaction was not sure of a digit run, and the message
    is then written as held (待审核) until a supervisor approves or rejects it.
    external_id is the website's message id when the message came from the website, else null.

``reply.to_writer``  to the website: the reply to a website message whose writer did not consent to
    publication, for the writer alone (a type of its own: a receiver that does not know it refuses it,
    never publishes it); the same fields as reply.publish, external_id always the website's message id.

``transfer.create``  to a retained specialist line (双向转接): a 12345 call handed to e.g. 12348
    {inquiry_id, number, line, kind, title, content, citizen: {name, phone}, reason, at}

``application.task_submitted``, ``application.supplement``, ``application.withdrawn``  to the departments'
    back office (后台分类审批); ``application.status_changed`` to the window system (补正 and 待取件 mean
    calling the applicant); ``catalog.items_changed`` to the website, the hotline's knowledge (知识库) and the
    windows (item codes; the worker fills in the items' current content just before sending).
"""

from __future__ import annotations

STATUS_CHANGED = "inquiry.status_changed"
WORKORDER_CREATE = "workorder.create"
REPLY_PUBLISH = "reply.publish"
REPLY_TO_WRITER = "reply.to_writer"
TRANSFER_CREATE = "transfer.create"

TASK_SUBMITTED = "application.task_submitted"
SUPPLEMENT = "application.supplement"
WITHDRAWN = "application.withdrawn"
APPLICATION_STATUS = "application.status_changed"
CATALOG_ITEMS = "catalog.items_changed"

EVENT_TYPES = (
    STATUS_CHANGED,
    WORKORDER_CREATE,
    REPLY_PUBLISH,
    REPLY_TO_WRITER,
    TRANSFER_CREATE,
    TASK_SUBMITTED,
    SUPPLEMENT,
    WITHDRAWN,
    APPLICATION_STATUS,
    CATALOG_ITEMS,
)

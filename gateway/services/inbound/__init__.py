"""What external systems tell us, pushed (webhooks) or listed (polling): one path, each event taken in once.

Both ways end in `InboundService.handle`: every event is validated, then applied unless a receipt says it
was taken in before, then remembered. Receipts (table webhook_receipts) hold three kinds of id:

- a webhook-id, the sender's id of one push (the same on every retry): a repeated push creates nothing;
- `event:<key>`, an event's own identity given by its adapter (12345: `HFJG:<gdbh>:<hfsj>`), the same
  whether pushed or listed: a 回访 a webhook brought is not applied again by the poll, and one a poll
  applied before it was killed is not applied again after the restart (even after 重办 and a new reply);
- `rejected:<reference>@<position>`: a listed record refused for good, so that listing it again (the
  cursor is inclusive) does not report it again; once the system changes the record it is tried afresh.

An event is applied first and remembered after: a crash in between applies it again on the next try,
which intake (idempotent on channel and external_id) and the transition table (a called-back inquiry
takes no second 回访) make harmless.

- service: InboundService, pushes and the one path;
- polling: a polling run over a system's listing;
- outcomes: Receipt, PollResult, Refused, what they answer.
"""

from gateway.services.inbound.outcomes import PollResult, Receipt, Refused, system_actor
from gateway.services.inbound.service import InboundService

__all__ = ["InboundService", "PollResult", "Receipt", "Refused", "system_actor"]

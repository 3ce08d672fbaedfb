"""The outbox: messages to other systems written with the change they announce, and its use cases for
staff (list, reveal, dead letters); sending it belongs to the delivery worker (gateway.delivery)."""

from gateway.services.outbox.messages import MessageFields, enqueue, message
from gateway.services.outbox.service import OutboxService
from gateway.services.outbox.snapshots import full_snapshot, masked_snapshot, snapshots

__all__ = [
    "MessageFields",
    "OutboxService",
    "enqueue",
    "full_snapshot",
    "message",
    "snapshots",
    "masked_snapshot",
]

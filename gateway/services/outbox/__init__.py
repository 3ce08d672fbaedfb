"""The outbox: messages to other systems written with the change they announce, and its use cases for
staff (list, reveal, dead letters); sending it belongs to the delivery worker (gateway.delivery)."""

from gateway.services.outbox.messages import MessageFields, enqueue, message
from gateway.services.outbox.service import OutboxService
from gateway.services.outbox.views import full_view, snapshots, to_view

__all__ = ["MessageFields", "OutboxService", "enqueue", "full_view", "message", "snapshots", "to_view"]

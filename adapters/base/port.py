"""The ports every adapter implements, and the shapes that cross them, named here for the adapters.

They are defined in the domain (gateway.domain.ports, .inbound, .errors) so that the services need no adapter.
"""

from __future__ import annotations

from gateway.domain.errors import WireError
from gateway.domain.inbound import InboundEvent
from gateway.domain.ports import Ack, Inbound, Listed, Outbound, OutboundMessage, Poller

__all__ = ["Ack", "Inbound", "InboundEvent", "Listed", "Outbound", "OutboundMessage", "Poller", "WireError"]

"""The inquiry service: intake, lifecycle actions and reading, put together in one class for the edge
(api, web and jobs call ``services().inquiries.<method>``)."""

from __future__ import annotations

from gateway.services.inquiries.actions import Actions
from gateway.services.inquiries.intake import ROUTING_ACTOR, Intake
from gateway.services.inquiries.merges import Merges
from gateway.services.inquiries.reading import Reading

__all__ = ["ROUTING_ACTOR", "InquiryService"]


class InquiryService(Intake, Actions, Reading, Merges):
    """Everything that happens to an inquiry goes through here."""

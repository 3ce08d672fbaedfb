"""Inquiries (诉求): intake, lifecycle actions, reading, what other systems hear, and the figures.

The public names are re-exported here, so callers import ``gateway.services.inquiries`` only.
"""

from gateway.services.inquiries.queries import MAX_OFFSET, InquiryFilter
from gateway.services.inquiries.service import InquiryService
from gateway.services.inquiries.stats import GOOD, NONE_KEY, InquiryStats

__all__ = ["GOOD", "MAX_OFFSET", "NONE_KEY", "InquiryFilter", "InquiryService", "InquiryStats"]

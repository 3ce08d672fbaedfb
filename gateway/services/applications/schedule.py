"""The window flow's working-day deadlines: the calendar with the configured limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.config import ApplicationPolicy
from gateway.domain.calendar import Deadline, WorkdayCalendar


@dataclass(frozen=True)
class Schedule:
    """Deadlines of applications, supplements, pickups and rectifications, in working days."""

    calendar: WorkdayCalendar
    policy: ApplicationPolicy

    def promised(self, start: datetime, workdays: int) -> Deadline:
        """When an item's decision is due (its promised working days after acceptance)."""
        return self.calendar.add_workdays(start, workdays)

    def supplement_due(self, now: datetime) -> datetime:
        """By when owed (容缺) or corrected (补正) material is to be brought."""
        return self.calendar.add_workdays(now, self.policy.supplement_workdays).at

    def pickup_cutoff(self, now: datetime) -> datetime:
        """Results ready before this moment have waited longer than pickup_workdays."""
        return self.calendar.waited_longer_than(now, self.policy.pickup_workdays)

    def rectification_due(self, now: datetime) -> datetime:
        """By when a bad rating's rectification (整改) is to be done."""
        return self.calendar.add_workdays(now, self.policy.rectification_workdays).at

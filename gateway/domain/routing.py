"""The dispatch catalogue (派单目录): the first matching rule routes an inquiry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class RoutingRule:
    """One line of the catalogue; empty criteria match anything."""

    name: str
    lead: str  # 主办 department code
    co: tuple[str, ...] = ()  # 协办 department codes
    kinds: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()  # any one found in title or content
    districts: frozenset[str] = frozenset()

    def matches(self, facts: InquiryFacts) -> bool:
        """True when every criterion the rule sets holds for the inquiry."""
        if self.kinds and facts.kind not in self.kinds:
            return False
        if self.categories and (facts.category or "") not in self.categories:
            return False
        if self.districts and (facts.district or "") not in self.districts:
            return False
        if self.keywords:
            text = f"{facts.title or ''}\n{facts.content}"
            if not any(word in text for word in self.keywords):
                return False
        return True


@dataclass(frozen=True)
class InquiryFacts:
    """What routing looks at."""

    kind: str
    content: str
    title: str | None = None
    category: str | None = None
    district: str | None = None


def route(facts: InquiryFacts, rules: Sequence[RoutingRule]) -> RoutingRule | None:
    """The first rule that matches, or None for the manual queue."""
    for rule in rules:
        if rule.matches(facts):
            return rule
    return None


class DispatchMode(StrEnum):
    """What intake does about dispatch (派单), decided by whoever logs the inquiry."""

    AUTO = "auto"  # the rules decide: system channels and webhooks, and the default
    NONE = "none"  # 仅登记: the inquiry stays received (待派单) for a person to dispatch
    MANUAL = "manual"  # to the lead and co-departments a person chose


@dataclass(frozen=True)
class Dispatch:
    """The one dispatch an intake makes."""

    lead: str
    co: tuple[str, ...]
    rule: str | None  # the rule that made it (by_rule) or proposed the lead the person chose
    by_rule: bool  # made by the catalogue on its own, not by a person


def intake_dispatch(
    mode: DispatchMode, rule: RoutingRule | None, lead: str | None = None, co: Iterable[str] = ()
) -> Dispatch | None:
    """The dispatch an intake makes, or None: a person's choice (none, or a department) beats the rules."""
    if mode is DispatchMode.NONE:
        return None
    if mode is DispatchMode.AUTO:
        return Dispatch(rule.lead, rule.co, rule.name, by_rule=True) if rule is not None else None
    if not lead:
        raise ValueError("a manual dispatch needs its lead department")
    helpers = tuple(c for c in dict.fromkeys(co) if c != lead)
    followed = rule.name if rule is not None and rule.lead == lead else None
    return Dispatch(lead, helpers, followed, by_rule=False)

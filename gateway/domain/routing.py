"""The dispatch catalogue (派单目录): the first matching rule routes an inquiry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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

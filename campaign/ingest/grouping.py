"""PLACEHOLDER grouping of calls across documents, replaced by the `extract` branch's version.

Groups by the lower-cased demand only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from campaign.ingest.extract import ExtractedCall


@dataclass
class CallGroup:
    """Calls that ask for the same thing; `members` pairs each call with its document key."""

    demand: str
    target: str | None
    members: list[tuple[str, ExtractedCall]] = field(default_factory=list)


def group_calls(calls: Iterable[tuple[str, ExtractedCall]]) -> list[CallGroup]:
    """PLACEHOLDER: one group per lower-cased demand, the largest first."""
    groups: dict[str, CallGroup] = {}
    for key, call in calls:
        demand = " ".join(call.demand.lower().split())
        group = groups.setdefault(demand, CallGroup(demand=call.demand, target=call.target))
        group.members.append((key, call))
    return sorted(groups.values(), key=lambda g: -len(g.members))

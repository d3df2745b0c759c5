"""Group the same demand made of the same kind of target across documents.

Organizers see the campaign's asks ("impose targeted sanctions" - governments - 3 documents),
not forty sentences. Two calls fall in one group when their targets are of the same kind (the
same named government, states in general, companies, readers ...) and their demands share the
action (the same or a synonymous verb) and most of what it acts on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from campaign.ingest.extract import READERS, ExtractedCall
from campaign.ingest.lexicon import ACTION_VERBS, ADVERBS, DETERMINERS, PREPOSITIONS, is_country


@dataclass
class CallGroup:
    """One ask of the campaign: the calls (with their document) that make the same demand.

    demand and target are representatives (the wording most members share, shortest first);
    target_kind is the key the targets were matched on; members keep document order;
    documents lists each document once, in the order first seen.
    """

    demand: str
    target: str | None
    target_kind: str
    members: list[tuple[str, ExtractedCall]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    @property
    def document_count(self) -> int:
        """Return how many documents make this demand."""
        return len(self.documents)


def group_calls(calls: Iterable[tuple[str, ExtractedCall]]) -> list[CallGroup]:
    """Group (document, call) pairs; the groups found in most documents come first."""
    items = [
        (document, call, _DemandKey.of(call.demand), target_kind(call.target))
        for document, call in calls
    ]
    # Only calls with the same kind of target and the same action can match: compare within
    # those buckets, and join matches transitively (union-find), so order does not matter.
    buckets: dict[tuple[str, str | None], list[int]] = {}
    for index, (_, _, key, kind) in enumerate(items):
        buckets.setdefault((kind, key.verb), []).append(index)
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for members in buckets.values():
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                if items[first][2].matches(items[second][2]):
                    parent[root(second)] = root(first)
    clusters: dict[int, _Cluster] = {}
    for index, (document, call, key, kind) in enumerate(items):
        clusters.setdefault(root(index), _Cluster(kind)).add(document, call, key)
    groups = [cluster.to_group() for cluster in clusters.values()]
    return sorted(groups, key=lambda group: (-group.document_count, -len(group.members)))


@dataclass
class _Cluster:
    kind: str
    members: list[tuple[str, ExtractedCall]] = field(default_factory=list)
    keys: list[_DemandKey] = field(default_factory=list)

    def add(self, document: str, call: ExtractedCall, key: _DemandKey) -> None:
        self.members.append((document, call))
        self.keys.append(key)

    def to_group(self) -> CallGroup:
        documents = list(dict.fromkeys(document for document, _ in self.members))
        demands = [call.demand for _, call in self.members]
        targets = [call.target for _, call in self.members if call.target]
        return CallGroup(
            demand=_representative(demands),
            target=_representative(targets) if targets else None,
            target_kind=self.kind,
            members=self.members,
            documents=documents,
        )


def _representative(texts: list[str]) -> str:
    """The wording shared by most members; among equals the shortest, which edits best."""
    counts = Counter(_normal(text) for text in texts)
    return min(texts, key=lambda text: (-counts[_normal(text)], len(text)))


def _normal(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


# -- targets -----------------------------------------------------------------------------------

_ALIASES = (
    (
        r"\b(?:people's republic of china|prc|chinese|beijing|ccp|chinese communist party)\b",
        "china",
    ),
    (r"\b(?:european union|eu's|european)\b", "eu"),
    (r"\b(?:united nations|un's)\b", "un"),
    (r"\b(?:united kingdom|british|u\.k\.|britain)\b", "uk"),
    (r"\b(?:united states|american|u\.s\.|usa)\b", "us"),
    (r"\b(?:burmese|burma|myanmar's)\b", "myanmar"),
    (r"\b(?:hong kong's|hongkong)\b", "hong kong"),
)
# Public authorities that can act on a demand: governments and the institutions that act for
# them (an EU Commission or Council, a ministry, a parliament).
_STATE_WORDS = frozenset(
    """government governments state states country countries nation nations leaders leader council
    community world parliament parliaments legislature legislatures lawmakers legislators
    ministers minister ministry ministries authorities authority regime administration commission
    congress senate assembly president presidents secretary chancellor mps meps
    representatives""".split()
)
_COMPANY_WORDS = frozenset(
    """company companies brand brands bank banks business businesses corporation corporations
    manufacturer manufacturers investor investors shareholders retailer retailers firm firms
    employer employers""".split()
)
# Collectives of states: "member states of the EU" are states in general, not one government.
_BLOCS = frozenset({"eu", "un", "asean", "international", "member", "world", "all", "other"})
_GENERIC_WORDS = (
    _STATE_WORDS
    | _COMPANY_WORDS
    | DETERMINERS
    | PREPOSITIONS
    | frozenset(
        {
            "and",
            "or",
            "remaining",
            "respective",
            "national",
            "around",
            "whole",
            "entire",
            "global",
            "democratic",
            "donor",
            "relevant",
            "concerned",
        }
    )
)


@lru_cache(maxsize=16384)
def target_kind(target: str | None) -> str:
    """Return a key naming the kind of target: 'states', 'government:china', 'companies' ..."""
    if not target:
        return "unstated"
    text = target.lower()
    if text == READERS:
        return READERS
    for pattern, replacement in _ALIASES:
        text = re.sub(pattern, replacement, text)
    words = re.findall(r"[a-z][a-z'-]*", text)
    named = [word for word in words if word not in _GENERIC_WORDS]
    if _COMPANY_WORDS & set(words):
        return (
            "companies:" + " ".join(sorted(set(named) - _BLOCS))
            if set(named) - _BLOCS
            else "companies"
        )
    if _STATE_WORDS & set(words) or "member" in words:
        own = sorted(set(named) - _BLOCS)
        return "government:" + " ".join(own) if own else "states"
    if named and is_country(" ".join(named)):
        return "government:" + " ".join(named)  # "China" is called on as its government
    return "named:" + " ".join(sorted(set(words) - DETERMINERS))


# -- demands -----------------------------------------------------------------------------------

_SYNONYMS = {
    "adopt": "impose",
    "apply": "impose",
    "introduce": "impose",
    "enact": "impose",
    "implement": "impose",
    "free": "release",
    "liberate": "release",
    "halt": "stop",
    "cease": "stop",
    "end": "stop",
    "terminate": "stop",
    "shut": "close",
    "investigate": "investigate",
    "examine": "investigate",
    "probe": "investigate",
    "recognize": "recognise",
    "acknowledge": "recognise",
    "designate": "recognise",
    "declare": "recognise",
    "abolish": "repeal",
    "scrap": "repeal",
    "revoke": "repeal",
    "rescind": "repeal",
    "fund": "fund",
    "finance": "fund",
    "co-operate": "cooperate",
    "co-ordinate": "coordinate",
}
_SUFFIXES = (
    "ations",
    "ation",
    "ions",
    "ion",
    "ments",
    "ment",
    "ings",
    "ing",
    "ies",
    "es",
    "ed",
    "s",
    "ly",
    "e",
)
_STOP = (
    DETERMINERS
    | PREPOSITIONS
    | ADVERBS
    | frozenset(
        {
            "and",
            "or",
            "be",
            "is",
            "are",
            "who",
            "which",
            "that",
            "as",
            "so",
            "it",
            "them",
            "there",
            # Modifiers that do not change what is asked: "targeted sanctions" are sanctions.
            "targeted",
            "specific",
            "necessary",
            "similar",
            "appropriate",
            "effective",
            "further",
            "new",
            "comprehensive",
            "immediate",
            "concrete",
            "urgent",
            "meaningful",
            "strong",
            "stronger",
        }
    )
)


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class _DemandKey:
    """The action of a demand (its verb, synonyms merged) and the stems of what it acts on."""

    verb: str | None
    objects: frozenset[str]

    @classmethod
    def of(cls, demand: str) -> _DemandKey:
        return _demand_key(demand)

    def matches(self, other: _DemandKey) -> bool:
        if self.verb != other.verb:
            return False
        small, large = sorted((self.objects, other.objects), key=len)
        if not small:
            return not large
        if small <= large:
            return True
        return len(small & large) / len(small | large) >= 0.5


@lru_cache(maxsize=16384)
def _demand_key(demand: str) -> _DemandKey:
    words = re.findall(r"[a-z][a-z'-]*", demand.lower())
    verb = None
    rest = words
    for index, word in enumerate(words):
        if word in ADVERBS or word == "not":
            continue
        if word in ACTION_VERBS:
            verb = _SYNONYMS.get(word, word)
            rest = words[index + 1 :]
        break
    if verb in {"take", "make", "put", "give"} and rest:
        # Light verbs: "take action", "put pressure" - the noun carries the meaning.
        verb = f"{verb} {_stem(rest[0]) if rest[0] not in _STOP else ''}".strip()
    objects = frozenset(_stem(word) for word in rest if word not in _STOP and len(word) > 2)
    return _DemandKey(verb, objects)

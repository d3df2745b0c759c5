"""PLACEHOLDER call extraction, replaced by the `extract` branch's extractor when merged.

Only "X calls on Y to Z" and "X urges Y to Z" in plain sentences are found, so that the
ingest pipeline, the admin and the CLI can be built and tested against the real signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractedCall:
    """One demand of one sentence; `start` and `end` are the sentence's offsets in the text."""

    sentence: str
    actor: str | None
    target: str | None
    demand: str
    start: int
    end: int

    def as_record(self, doc: str) -> dict[str, object]:
        """Return the call as the JSON object `campaign extract --json` prints a line of."""
        return {"doc": doc, "sentence": self.sentence, "actor": self.actor,
                "target": self.target, "demand": self.demand, "start": self.start,
                "end": self.end}


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_CALL = re.compile(r"^(?P<actor>.*?)\s*\b(?:calls? (?:up)?on|urges?)\s+(?P<target>.+?)\s+to\s+"
                   r"(?P<demands>.+?)[.!?]?$", re.IGNORECASE)
_MORE_DEMANDS = re.compile(r",?\s+and to\s+|;\s*to\s+|,\s+to\s+")


def extract_calls(text: str) -> list[ExtractedCall]:
    """PLACEHOLDER: the calls of plain "calls on ... to ..." and "urges ... to ..." sentences."""
    calls: list[ExtractedCall] = []
    for match in _SENTENCE.finditer(text):
        raw = match.group()
        sentence = raw.strip()
        if not sentence:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        call = _CALL.match(sentence)
        if call is None:
            continue
        actor = call.group("actor").strip(" ,") or None
        for demand in _MORE_DEMANDS.split(call.group("demands")):
            if demand.strip():
                calls.append(ExtractedCall(sentence=sentence, actor=actor,
                                           target=call.group("target").strip(),
                                           demand=demand.strip(), start=start,
                                           end=start + len(sentence)))
    return calls

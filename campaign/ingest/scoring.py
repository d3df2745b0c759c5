"""Score predicted calls against labels, for when the shared scorer is not beside the project.

The shared scorer (../shared/tools/score_calls.py) is the reference and evaluate.py uses it
whenever it exists. This module implements the matching rules it publishes, so that a checkout
without ../shared can still measure the project's own set:

- a prediction and a label match one to one within a document, best pairs first;
- sentence level: the sentences overlap (one contains the other once normalised, or at least
  half of the shorter one's words are shared);
- demand level: in addition, at least half of the label's content stems appear in the
  prediction, the label's head verb among them, and the prediction is not far longer;
- target+demand level: in addition, the targets agree (canonical word sets, aliases applied,
  determiners dropped: one contains the other, or Jaccard >= 0.5); an unstated label target
  accepts any prediction;
- 'core' labels must be found; other tiers neither count as found nor as missed; predictions
  on sentences marked borderline in negatives.jsonl are not counted as false.
"""

from __future__ import annotations

import re
from collections import defaultdict

_STOP = frozenset(
    "the a an of to in on for and or with by from at as its their our his her this that these "
    "those all any every be is are was were will would should must".split()
)
_ALIASES = (
    (r"\beuropean union\b|\bunion\b", "eu"),
    (r"\bprc\b|\bpeople's republic of china\b|\bbeijing\b", "china"),
    (r"\bchinese (?:government|authorities|state)\b", "china"),
    (r"\bgovernment of china\b", "china"),
    (r"\bunited nations\b", "un"),
    (r"\bu\.?k\.?\b|\bbritish\b", "uk"),
    (r"\bpm\b", "prime minister"),
    (r"\bmember countries\b", "member states"),
)
_IRREGULAR = {
    "referral": "refer",
    "closure": "close",
    "withdrawal": "withdraw",
    "removal": "remove",
    "abolition": "abolish",
    "cessation": "cease",
    "suspension": "suspend",
    "uighur": "uyghur",
    "uighurs": "uyghur",
    "detainee": "detain",
    "detainees": "detain",
    "detention": "detain",
    "detentions": "detain",
    "freedom": "free",
    "prosecution": "prosecute",
    "prosecutions": "prosecute",
}
_LIGHT_VERBS = frozenset({"take", "make", "give", "pay", "put", "do", "have", "use", "work"})
_SKIPPED_BEFORE_HEAD = frozenset({"not", "immediately", "also", "urgently", "fully"})
_SUFFIXES = (
    "ations",
    "ation",
    "itions",
    "ition",
    "ions",
    "ion",
    "ments",
    "ment",
    "ings",
    "ing",
    "ies",
    "ied",
    "ures",
    "ure",
    "als",
    "al",
    "es",
    "ed",
    "s",
    "ly",
    "e",
)
LEVELS = ("sentence", "demand", "target+demand")


def _stem(word: str) -> str:
    word = _IRREGULAR.get(word.lower(), word.lower())
    while True:  # strip suffixes until none applies
        for suffix in _SUFFIXES:
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        else:
            return word


def _tokens(text: str | None) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", re.sub(r"['\u2019]s\b", "", text or ""))


def _content(text: str | None) -> set[str]:
    return {_stem(token) for token in _tokens(text) if token.lower() not in _STOP}


def _head(text: str) -> str | None:
    for token in _tokens(text):
        if token.lower() in _SKIPPED_BEFORE_HEAD:
            continue
        return None if token.lower() in _LIGHT_VERBS else _stem(token)
    return None


def _sentence_key(text: str) -> str:
    return " ".join(_tokens(text)).lower()


def _target_words(text: str | None) -> set[str]:
    if not text:
        return set()
    text = re.sub(r"\(.*?\)", " ", text.lower())
    for pattern, replacement in _ALIASES:
        text = re.sub(pattern, replacement, text)
    return {token for token in _tokens(text) if token not in _STOP}


def sentences_overlap(predicted: str, gold: str) -> bool:
    """Whether two sentences are the same place in the document."""
    a, b = _sentence_key(predicted), _sentence_key(gold)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    wa, wb = set(a.split()), set(b.split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) >= 0.5


def demand_matches(predicted: str, gold: str) -> bool:
    """Whether a predicted demand states the labelled one."""
    wanted, got = _content(gold), _content(predicted)
    if not wanted:
        return False
    head = _head(gold)
    return (
        len(wanted & got) / len(wanted) >= 0.5
        and (head is None or head in got)
        and len(_tokens(predicted)) <= 3 * len(_tokens(gold)) + 8
    )


def target_matches(predicted: str | None, gold: dict) -> bool:
    """Whether a predicted target names the labelled one (any, when the label has none)."""
    if not gold.get("target"):
        return True
    got = _target_words(predicted)
    for name in (gold.get("target"), gold.get("target_as_written"), gold.get("implied_target")):
        wanted = _target_words(name)
        if (
            wanted
            and got
            and (wanted <= got or got <= wanted or len(wanted & got) / len(wanted | got) >= 0.5)
        ):
            return True
    return False


def _pair_score(predicted: dict, gold: dict, level: str) -> float | None:
    if not sentences_overlap(predicted.get("sentence", ""), gold["sentence"]):
        return None
    demand = predicted.get("demand", "")
    if level != "sentence" and not demand_matches(demand, gold["demand"]):
        return None
    target_ok = target_matches(predicted.get("target"), gold)
    if level == "target+demand" and not target_ok:
        return None
    wanted = _content(gold["demand"])
    coverage = len(wanted & _content(demand)) / len(wanted) if wanted else 0.0
    return coverage + (0.5 if target_ok else 0.0) + (0.1 if gold["tier"] == "core" else 0.0)


def score(
    gold: list[dict],
    predicted: list[dict],
    docs: list[str] | None = None,
    negatives: list[dict] | None = None,
) -> dict[str, dict[str, float]]:
    """Return {level: {tp, fp, fn, P, R, F1}} for predictions against labels."""
    borderline: dict[str, list[str]] = defaultdict(list)
    for negative in negatives or []:
        if negative.get("borderline"):
            borderline[negative["doc"]].append(negative["sentence"])
    gold_by_doc: dict[str, list[dict]] = defaultdict(list)
    predicted_by_doc: dict[str, list[dict]] = defaultdict(list)
    for record in gold:
        gold_by_doc[record["doc"]].append(record)
    for record in predicted:
        predicted_by_doc[record["doc"]].append(record)
    docs = docs or sorted(set(gold_by_doc) | set(predicted_by_doc))
    counts = {level: [0, 0, 0] for level in LEVELS}
    for doc in docs:
        labels, guesses = gold_by_doc.get(doc, []), predicted_by_doc.get(doc, [])
        for level in LEVELS:
            pairs = sorted(
                (
                    (found, p, g)
                    for p, guess in enumerate(guesses)
                    for g, label in enumerate(labels)
                    if (found := _pair_score(guess, label, level)) is not None
                ),
                reverse=True,
            )
            matched_guesses: set[int] = set()
            matched_labels: set[int] = set()
            for _, p, g in pairs:
                if p in matched_guesses or g in matched_labels:
                    continue
                matched_guesses.add(p)
                matched_labels.add(g)
                if labels[g]["tier"] == "core":
                    counts[level][0] += 1
            for p, guess in enumerate(guesses):
                if p in matched_guesses:
                    continue
                if any(
                    sentences_overlap(guess.get("sentence", ""), s) for s in borderline.get(doc, [])
                ):
                    continue
                counts[level][1] += 1
            counts[level][2] += sum(
                1
                for g, label in enumerate(labels)
                if label["tier"] == "core" and g not in matched_labels
            )
    return {level: _rates(*counts[level]) for level in LEVELS}


def _rates(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "P": round(precision, 3),
        "R": round(recall, 3),
        "F1": round(f1, 3),
    }

"""Extraction quality on hand-labelled documents, scored as the issue measures it."""

from __future__ import annotations

import pytest

from campaign.ingest import scoring
from campaign.ingest.evaluate import OWN_LABELS, REPO_ROOT, SHARED_SCORER, evaluate

pytestmark = pytest.mark.backend_independent

DATA = REPO_ROOT / "tests" / "data"
# Sets labelled after the extractor was written (tests/data/README.md tells their story).
LATER_SETS = [
    DATA / name / "calls.jsonl" for name in ("calls_heldout", "calls_blind", "calls_unseen")
]


def test_seeds_target_and_demand_f1(shared_seeds):
    result = evaluate(shared_seeds / "calls.jsonl")
    assert result.f1("target+demand") >= 0.90, result.scores


def test_own_set_target_and_demand_f1():
    result = evaluate(OWN_LABELS)
    assert result.documents >= 12
    assert result.gold_core >= 60
    assert result.f1("target+demand") >= 0.85, result.scores


@pytest.mark.parametrize("labels", LATER_SETS, ids=lambda path: path.parent.name)
def test_sets_labelled_after_the_extractor_was_written(labels):
    assert evaluate(labels).f1("target+demand") >= 0.85


def test_the_project_scorer_agrees_with_the_shared_one(shared_seeds):
    if not SHARED_SCORER.exists():
        pytest.skip("../shared/tools/score_calls.py is not present")
    for labels in (shared_seeds / "calls.jsonl", OWN_LABELS, *LATER_SETS):
        assert evaluate(labels).scores == evaluate(labels, scorer=REPO_ROOT / "missing.py").scores


def test_scorer_counts_a_perfect_prediction_and_a_miss():
    gold = [
        {
            "doc": "d",
            "sentence": "We call on X to stop Y.",
            "target": "X",
            "demand": "stop Y now",
            "tier": "core",
        },
        {
            "doc": "d",
            "sentence": "Z must free W.",
            "target": "Z",
            "demand": "free W",
            "tier": "core",
        },
    ]
    predicted = [
        {"doc": "d", "sentence": "We call on X to stop Y.", "target": "X", "demand": "stop Y now"}
    ]
    result = scoring.score(gold, predicted)
    assert result["target+demand"] == {"tp": 1, "fp": 0, "fn": 1, "P": 1.0, "R": 0.5, "F1": 0.667}

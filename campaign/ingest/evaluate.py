"""Measure the call extractor against hand-labelled documents.

`python -m campaign.ingest.evaluate [LABELS.jsonl ...]` prints precision, recall and F1 at the
sentence, demand and target+demand levels for each labelled set. The documents sit beside their
labels file; negatives.jsonl beside it marks look-alike sentences. Scoring uses the shared
scorer (../shared/tools/score_calls.py) when it is present, else the project's own copy of the
same published matching rules (campaign.ingest.scoring), and says which one it used.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from campaign.ingest.extract import extract_calls

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
SHARED_SCORER = SHARED / "tools" / "score_calls.py"
SEED_LABELS = SHARED / "seeds" / "calls.jsonl"
OWN_LABELS = REPO_ROOT / "tests" / "data" / "calls" / "calls.jsonl"
LEVELS = ("sentence", "demand", "target+demand")


@dataclass(frozen=True)
class Evaluation:
    """Scores of one labelled set: level -> {tp, fp, fn, P, R, F1}, and the scorer used."""

    labels: Path
    documents: int
    gold_core: int
    predicted: int
    scores: dict[str, dict[str, float]]
    scorer: str

    def f1(self, level: str = "target+demand") -> float:
        """Return the F1 at a level."""
        return float(self.scores[level]["F1"])


def predict(documents: list[Path]) -> list[dict]:
    """Run the extractor over documents; one record per call in the scorer's format."""
    return [
        call.as_record(path.name)
        for path in documents
        for call in extract_calls(path.read_text(encoding="utf-8"))
    ]


def evaluate(labels_path: Path, scorer: Path | None = None) -> Evaluation:
    """Extract calls from the documents beside labels_path and score them against the labels."""
    labels_path = Path(labels_path)
    gold = _load_jsonl(labels_path)
    negatives_path = labels_path.with_name("negatives.jsonl")
    negatives = _load_jsonl(negatives_path) if negatives_path.exists() else []
    names = sorted({record["doc"] for record in gold} | {record["doc"] for record in negatives})
    names += sorted(p.name for p in labels_path.parent.glob("*.txt") if p.name not in names)
    documents = [labels_path.parent / name for name in names]
    predictions = predict(documents)
    score, scorer_name = _scorer(scorer)
    scores = score(gold, predictions, docs=names, negatives=negatives)
    return Evaluation(
        labels_path,
        len(documents),
        sum(g["tier"] == "core" for g in gold),
        len(predictions),
        scores,
        scorer_name,
    )


def _scorer(path: Path | None) -> tuple[Callable[..., dict], str]:
    path = path or SHARED_SCORER
    if path.exists():
        return _import_by_path(path).score, str(path)
    from campaign.ingest import scoring

    return scoring.score, "campaign.ingest.scoring (../shared/tools/score_calls.py not found)"


def _import_by_path(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_calls", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def format_evaluation(evaluation: Evaluation) -> str:
    """Return the scores as a small table."""
    rows = [
        f"{evaluation.labels}: {evaluation.documents} documents, "
        f"{evaluation.gold_core} core calls, {evaluation.predicted} predicted",
        f"  scorer: {evaluation.scorer}",
        f"  {'level':<14} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn",
    ]
    for level in LEVELS:
        s = evaluation.scores[level]
        rows.append(
            f"  {level:<14} {s['P']:>6.3f} {s['R']:>6.3f} {s['F1']:>6.3f}  "
            f"{s['tp']:>3} {s['fp']:>3} {s['fn']:>3}"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Print the scores on the given labels files (default: the seeds when present, our own set)."""
    parser = argparse.ArgumentParser(
        prog="python -m campaign.ingest.evaluate", description=main.__doc__
    )
    parser.add_argument(
        "labels", nargs="*", type=Path, help="calls.jsonl files (documents beside them)"
    )
    parser.add_argument("--scorer", type=Path, default=None, help="path to score_calls.py")
    args = parser.parse_args(argv)
    labels = args.labels or [p for p in (SEED_LABELS, OWN_LABELS) if p.exists()]
    if not args.labels and not SEED_LABELS.exists():
        print(f"(seeds not found at {SEED_LABELS}; scoring the project's own set only)")
    for path in labels:
        if not path.exists():
            print(f"{path}: no such labels file", file=sys.stderr)
            return 2
        print(format_evaluation(evaluate(path, args.scorer)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

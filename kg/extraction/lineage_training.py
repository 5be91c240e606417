"""Training the lineage acceptance model: a logistic regression over ``lineage_candidates``' features.

The rules of ``kg.extraction.lineage`` propose candidates (their own edges, and every method or technique
named beside the paper's method); the model learns from annotated papers which of them the text states.
Needs scikit-learn (the ``train`` extra). An experiment, measured by ``bench/cv_results_lineage.py``: on
train + dev it has not beaten the rules in cross-validation (0.827 / 0.492 / 0.617 against the rules'
0.838 / 0.492 / 0.620, pooled P / R / F1), so ``kg extract`` ships no model and the rules decide. Its
ceiling is low: of the ~300 candidates the rules do not accept, ~20 are gold edges; most missed edges name
a child or parent the entity stage does not find.

Deterministic: papers in a fixed order, a fixed seed for the inner folds, liblinear's deterministic solver.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.extraction.lineage import Candidate, lineage_candidates
from kg.papers import Paper


@dataclass(frozen=True)
class LineageModel:
    """A logistic regression over candidate features: accepts a candidate whose probability reaches the
    threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1 / (1 + math.exp(-z))

    def accepts(self, features: dict[str, float]) -> bool:
        return self.probability(features) >= self.threshold

    def to_json(self) -> dict:
        return {"weights": self.weights, "bias": self.bias, "threshold": self.threshold}


MIN_PRECISION = 0.8  # the threshold is the one with the best F1 among those at least this precise
REGULARISATION = 1.0


@dataclass
class LabelledPaper:
    """One annotated paper's candidates, whether each is a gold edge, and how many gold edges it has."""

    paper_id: str
    candidates: list[Candidate]
    labels: list[bool]
    gold_edges: int


def candidates_of(papers: Iterable[Paper]) -> Iterable[tuple[Paper, list[Candidate]]]:
    """Each paper's lineage candidates, read with the extraction pipeline as ``kg extract`` reads it."""
    from kg.extraction import build_pipeline
    from kg.extraction.assemble import build_extraction, sentence_offsets
    from kg.extraction.text import make_doc

    nlp = build_pipeline()
    vocabulary = nlp.get_pipe("kg_vocabulary")
    for paper in papers:
        doc = nlp(make_doc(nlp, paper.text))
        extraction = build_extraction(doc, paper.id, paper.title, paper.abstract, vocabulary)
        yield paper, lineage_candidates(paper, extraction, sentence_offsets(doc), vocabulary)


def label(
    paper_id: str, candidates: list[Candidate], is_gold: Callable[[str, str], bool], gold_edges: int
) -> LabelledPaper:
    return LabelledPaper(
        paper_id, candidates, [is_gold(c.child.name, c.parent) for c in candidates], gold_edges
    )


def fit(papers: list[LabelledPaper], *, seed: int = 13, inner_folds: int = 4) -> LineageModel:
    """A model trained on ``papers``; its threshold chosen on out-of-fold probabilities of these papers
    only (``inner_folds`` folds), so a paper outside them stays unseen."""
    weights, bias = _logistic(papers)
    order = sorted(papers, key=lambda p: p.paper_id)
    random.Random(seed).shuffle(order)
    scored: list[tuple[float, bool]] = []
    for k in range(inner_folds):
        held = order[k::inner_folds]
        held_ids = {p.paper_id for p in held}
        inner = LineageModel(*_logistic([p for p in order if p.paper_id not in held_ids]), 0.5)
        for paper in held:
            scored += [
                (inner.probability(c.features), y)
                for c, y in zip(paper.candidates, paper.labels, strict=True)
            ]
    gold = sum(p.gold_edges for p in papers)
    return LineageModel(weights, bias, _threshold(scored, gold))


def _logistic(papers: list[LabelledPaper]) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    names = sorted({name for p in papers for c in p.candidates for name in c.features})
    rows = [[c.features.get(name, 0.0) for name in names] for p in papers for c in p.candidates]
    labels = [y for p in papers for y in p.labels]
    if not rows or len(set(labels)) < 2:
        return {}, -10.0  # nothing to learn from: accept nothing
    model = LogisticRegression(C=REGULARISATION, solver="liblinear", random_state=0, max_iter=1000)
    model.fit(rows, labels)
    weights = {name: round(float(w), 6) for name, w in zip(names, model.coef_[0], strict=True)}
    return weights, round(float(model.intercept_[0]), 6)


def _threshold(scored: list[tuple[float, bool]], gold: int) -> float:
    """The probability cut with the best F1 among those whose precision is at least ``MIN_PRECISION``."""
    best, best_f1 = 1.0, -1.0
    ranked = sorted(scored, key=lambda item: -item[0])
    hits = 0
    for i, (probability, is_gold) in enumerate(ranked, 1):
        hits += is_gold
        if i < len(ranked) and ranked[i][0] == probability:
            continue  # ties are accepted together
        precision, recall = hits / i, hits / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if precision >= MIN_PRECISION and f1 > best_f1:
            best, best_f1 = probability, f1
    return round(best, 6)


def save(model: LineageModel, path: Path) -> None:
    path.write_text(json.dumps(model.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load(path: Path) -> LineageModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    return LineageModel(
        {k: float(v) for k, v in data["weights"].items()}, float(data["bias"]), float(data["threshold"])
    )

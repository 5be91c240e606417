"""Training the lineage model (``kg.extraction.lineage_model``) on annotated papers, and measuring it by
cross-validation by paper.

    python -m training.lineage train GOLD.jsonl [GOLD.jsonl ...] [-o kg/extraction/models/lineage.json]

Every pair ``lineage_pairs`` proposes is labelled by the gold lineage, matched as the eval's ``score.py``
matches it (any form the gold paper gives the same thing). The entities lineage reads come from a resolver
that never saw the paper (``out_of_fold_extractions``: the resolver trained on the other folds), so the
model learns from the entity stage's real mistakes, as it meets them at run time. A logistic regression
(scikit-learn, liblinear, fixed seeds: the same files give the same model) learns the decision; its
threshold is chosen on out-of-fold probabilities of the training papers only, for precision first: the best
F1 among the cuts whose precision reaches ``MIN_PRECISION``. Needs the ``train`` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.core.domain import ENTITY_FIELDS
from kg.extraction.lineage_model import MODEL_PATH, LineageModel, Pair, lineage_pairs
from kg.extraction.records import Extraction
from kg.extraction.resolver import scorer_form

SEED = 13
MIN_PRECISION = 0.75  # the threshold: the best F1 among the cuts at least this precise (inner folds)
REGULARISATION = 0.1  # scikit-learn's C
MIN_FEATURE_COUNT = 3  # features seen on fewer pairs are dropped: they cannot generalise


def synonyms(row: dict) -> dict[str, frozenset[str]]:
    """Each normalised form of a gold paper -> every form naming the same thing (as ``score.py``)."""
    groups = [{scorer_form(f) for f in e} for fld in ENTITY_FIELDS for e in row.get(fld, [])]
    groups += [{scorer_form(a["short"]), scorer_form(a["long"])} for a in row.get("aliases", [])]
    merged: list[set[str]] = []
    for group in groups:
        group = set(group) - {""}
        for other in [m for m in merged if m & group]:
            group |= other
            merged.remove(other)
        merged.append(group)
    return {f: frozenset(m) for m in merged for f in m}


def gold_test(row: dict) -> Callable[[str, str], bool]:
    """Whether a (child, parent) pair of names is one of the gold paper's lineage edges."""
    syn = synonyms(row)

    def expand(name: str) -> frozenset[str]:
        return syn.get(scorer_form(name), frozenset([scorer_form(name)]))

    edges = [(expand(e["child"]), expand(e["parent"])) for e in row.get("lineage", [])]
    return lambda child, parent: any(scorer_form(child) in c and scorer_form(parent) in p for c, p in edges)


@dataclass
class LabelledPaper:
    """One annotated paper's candidate pairs, whether each is a gold edge as reported (``labels``, what the
    scorer counts) and whether it relates the gold's two things under any of their forms (``targets``, what
    the model learns: "StarGAN" on "GAN" is the gold's "Generative Adversarial Networks" the text writes)."""

    paper_id: str
    pairs: list[Pair]
    labels: list[bool]
    targets: list[bool]
    gold_edges: int


def label(row: dict, pairs: list[Pair]) -> LabelledPaper:
    is_gold = gold_test(row)
    labels = [is_gold(p.child.name, p.edge().parent) for p in pairs]
    targets = [
        y or any(is_gold(c, f) for c in p.child.forms for f in p.parent.forms)
        for p, y in zip(pairs, labels, strict=True)
    ]
    return LabelledPaper(str(row["id"]), pairs, labels, targets, len(row.get("lineage", [])))


def read_rows(paths: Iterable[str | Path]) -> list[dict]:
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def folds(ids: Sequence[str], k: int, seed: int = SEED) -> dict[str, int]:
    """Each paper's fold: papers sorted by id, shuffled with a fixed seed, dealt round."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return {paper_id: i % k for i, paper_id in enumerate(order)}


def out_of_fold_extractions(
    paths: Sequence[str | Path], fold_of: dict[str, int], k: int
) -> dict[str, tuple[Extraction, list[tuple[int, int]]]]:
    """Each paper's extraction (and its sentence offsets) by a resolver trained on the other folds only
    (the resolver's own training, ``training.resolver``, on the same gold files)."""
    from kg.core.papers import Paper
    from kg.extraction import build_pipeline
    from kg.extraction.assemble import build_extraction, sentence_offsets
    from kg.extraction.resolver import Model
    from kg.extraction.text import make_doc
    from training import resolver as resolver_training

    gold = resolver_training.read_gold(paths)
    collected = resolver_training.collect(gold)
    nlp = build_pipeline()
    vocabulary = nlp.get_pipe("kg_vocabulary")
    out = {}
    for fold in range(k):
        training = [i for i, g in enumerate(gold) if fold_of[g.id] != fold]
        examples = [example for i in training for example in collected[i]]
        model = Model.from_json(
            resolver_training.fit(examples, resolver_training.head_words([gold[i] for i in training]))
        )
        for g in gold:
            if fold_of[g.id] != fold:
                continue
            paper = Paper(title=g.title, abstract=g.abstract, record_id=g.id)
            doc = nlp(make_doc(nlp, paper.text))
            extraction = build_extraction(doc, paper.id, paper.title, paper.abstract, vocabulary, model=model)
            out[g.id] = (extraction, sentence_offsets(doc))
    return out


def labelled_papers(
    rows: Sequence[dict], extractions: dict[str, tuple[Extraction, list[tuple[int, int]]]]
) -> dict[str, LabelledPaper]:
    from kg.core.papers import Paper
    from kg.extraction import build_pipeline

    vocabulary = build_pipeline().get_pipe("kg_vocabulary")
    out = {}
    for row in rows:
        paper = Paper(title=row["title"], abstract=row.get("abstract", ""), record_id=str(row["id"]))
        extraction, sentences = extractions[str(row["id"])]
        out[str(row["id"])] = label(row, lineage_pairs(paper, extraction, sentences, vocabulary))
    return out


def fit(
    papers: Sequence[LabelledPaper],
    *,
    seed: int = SEED,
    inner_folds: int = 4,
    min_precision: float = MIN_PRECISION,
    c: float = REGULARISATION,
) -> LineageModel:
    """A model trained on ``papers``; its threshold chosen on out-of-fold probabilities of these papers
    only, so a paper outside them stays unseen."""
    weights, bias = _logistic(papers, c)
    order = sorted(papers, key=lambda p: p.paper_id)
    random.Random(seed).shuffle(order)
    scored: list[tuple[float, bool]] = []
    for k in range(inner_folds):
        held = order[k::inner_folds]
        held_ids = {p.paper_id for p in held}
        inner = LineageModel(*_logistic([p for p in order if p.paper_id not in held_ids], c), 0.5)
        for paper in held:
            scored += [
                (inner.probability(p.features), y) for p, y in zip(paper.pairs, paper.labels, strict=True)
            ]
    gold = sum(p.gold_edges for p in papers)
    return LineageModel(weights, bias, _threshold(scored, gold, min_precision))


def _logistic(papers: Sequence[LabelledPaper], c: float) -> tuple[dict[str, float], float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(name for p in papers for pair in p.pairs for name in pair.features)
    rows = [
        {name: value for name, value in pair.features.items() if counts[name] >= MIN_FEATURE_COUNT}
        for p in papers
        for pair in p.pairs
    ]
    labels = [y for p in papers for y in p.targets]
    if not rows or len(set(labels)) < 2:
        return {}, -10.0  # nothing to learn from: accept nothing
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=c, solver="lbfgs", random_state=0, max_iter=2000)
    model.fit(matrix, labels)
    weights = {
        name: round(float(model.coef_[0, column]), 5)
        for name, column in sorted(vectorizer.vocabulary_.items())
        if round(float(model.coef_[0, column]), 5)
    }
    return weights, round(float(model.intercept_[0]), 5)


def _threshold(scored: list[tuple[float, bool]], gold: int, min_precision: float) -> float:
    """The probability cut with the best F1 among those whose precision is at least ``min_precision``."""
    best, best_f1 = 1.0, -1.0
    ranked = sorted(scored, key=lambda item: -item[0])
    hits = 0
    for i, (probability, is_gold) in enumerate(ranked, 1):
        hits += is_gold
        if i < len(ranked) and ranked[i][0] == probability:
            continue  # ties are accepted together
        precision, recall = hits / i, hits / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if precision >= min_precision and f1 > best_f1:
            best, best_f1 = probability, f1
    return round(best, 6)


def save(model: LineageModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def train(paths: Sequence[str | Path], k: int = 5) -> LineageModel:
    """The model on every annotated paper, its entities from out-of-fold resolvers."""
    rows = read_rows(paths)
    fold_of = folds([str(r["id"]) for r in rows], k)
    papers = labelled_papers(rows, out_of_fold_extractions(paths, fold_of, k))
    return fit([papers[str(r["id"])] for r in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.lineage", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["train"])
    parser.add_argument("gold", nargs="+", help="gold JSON Lines files (../shared/eval/train.jsonl ...)")
    parser.add_argument("-o", "--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    model = train(args.gold)
    save(model, args.output)
    print(
        f"{len(read_rows(args.gold))} papers, {len(model.weights)} features, threshold {model.threshold} -> {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Training the resolver on annotated papers, and measuring it honestly with k-fold cross-validation.

    python -m kg.extraction.training train GOLD.jsonl [GOLD.jsonl ...] [-o kg/extraction/models/resolver.json]
    python -m kg.extraction.training cv GOLD.jsonl [GOLD.jsonl ...] [--folds 5] [-o pred.jsonl]

Gold files follow ``../shared/eval/GUIDELINES.md``. Every candidate the pipeline proposes (the rules' mention
groups and word n-grams) is labelled with the kind of the gold entity it names, or ``none``; a multinomial
logistic regression (scikit-learn, fixed seed and solver, so the same files give the same model) learns
the decision. ``cv`` trains on k-1 folds, predicts the fold left out, and writes the pooled predictions for
``score.py``: the figures to steer by, since no paper is scored by a model that saw it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.domain import ENTITY_KINDS
from kg.extraction.resolver import CLASSES, MODEL_PATH, NONE, Candidate, Model, ends_on_head
from kg.extraction.text import fold_plurals

SEED = 13
MIN_FEATURE_COUNT = 2  # features seen fewer times in training are dropped (they cannot generalise)
MIN_HEAD_COUNT = 2  # a gold name's last word becomes an n-gram head after this many names
REGULARISATION = 0.5  # scikit-learn's C
# probability thresholds, chosen by 5-fold cross-validation for F1 (0.15-0.5 tried): a rule's metric or
# task is kept on weaker evidence than a rule's method, whose rules are the more often wrong
NGRAM_ACCEPT = 0.35
GROUP_ACCEPT = {"method": 0.35, "dataset": 0.35, "technique": 0.25, "task": 0.25, "metric": 0.2}
CLASS_WEIGHT: dict[str, float] | None = None
# "the paper's own": C and threshold chosen by the same 5-fold cross-validation (0.2-1.0 and 0.3-0.5 tried)
PROPOSAL_REGULARISATION = 0.5
PROPOSAL_ACCEPT = 0.5


@dataclass
class GoldPaper:
    id: str
    title: str
    abstract: str
    labels: dict[str, str]  # normalised form -> kind
    row: dict
    proposed: frozenset[str] = frozenset()  # normalised forms of what the paper itself introduces


def norm(text: str) -> str:
    """The eval scorer's normalisation (``score.py``): the label of a candidate is what the scorer would match."""
    s = str(text).casefold().replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"[-_/]+", " ", s)
    return fold_plurals(re.sub(r"[^\w\s.+%*]", " ", s).split(), ".")


def read_gold(paths: Iterable[str | Path]) -> list[GoldPaper]:
    papers = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            labels: dict[str, str] = {}
            for kind in ENTITY_KINDS:
                for entity in row.get(kind.field, []):
                    for form in entity:
                        labels.setdefault(norm(form), kind.name)
            papers.append(
                GoldPaper(
                    str(row["id"]), row["title"], row.get("abstract", ""), labels, row, _proposed_forms(row)
                )
            )
    return papers


def _proposed_forms(row: dict) -> frozenset[str]:
    """Every form the gold paper gives its proposed names: their entity's other names and acronym pairs
    (as ``score.py`` matches them)."""
    groups = [{norm(f) for f in entity} for kind in ENTITY_KINDS for entity in row.get(kind.field, [])]
    groups += [{norm(a["short"]), norm(a["long"])} for a in row.get("aliases", [])]
    forms: set[str] = set()
    for name in row.get("proposed", []):
        forms.add(norm(name))
        for group in groups:
            if norm(name) in group:
                forms |= group
    return frozenset(forms - {""})


def is_proposed(candidate: Candidate, paper: GoldPaper) -> bool:
    return any(norm(form) in paper.proposed for form in candidate.forms)


def label_of(candidate: Candidate, paper: GoldPaper) -> str:
    for form in candidate.forms:
        kind = paper.labels.get(norm(form))
        if kind:
            return kind
    return NONE


def collect(papers: Sequence[GoldPaper]) -> list[list[tuple[Candidate, str]]]:
    """Every candidate of every paper with its gold label (the rules alone decide the pipeline's flow)."""
    from kg.extraction import build_pipeline, extract
    from kg.papers import Paper

    nlp = build_pipeline()
    out = []
    for gold in papers:
        record: list[Candidate] = []
        extract(
            Paper(title=gold.title, abstract=gold.abstract, record_id=gold.id),
            nlp,
            model=None,
            collect=record,
        )
        for candidate in record:
            candidate.proposal_label = is_proposed(candidate, gold)
        out.append([(candidate, label_of(candidate, gold)) for candidate in record])
    return out


def head_words(papers: Sequence[GoldPaper]) -> frozenset[str]:
    counts = Counter(form.split()[-1] for paper in papers for form in paper.labels if form)
    return frozenset(word for word, n in counts.items() if n >= MIN_HEAD_COUNT)


def _head(candidate: Candidate) -> str:
    words = candidate.forms[0].split() if candidate.forms else []
    return words[-1] if words else ""


def _regression(feature_lists: Sequence[list[str]], labels: Sequence, c: float, class_weight=None):
    """A fitted (vectorizer, logistic regression) over bags of features, each feature seen fewer than
    ``MIN_FEATURE_COUNT`` times dropped (it cannot generalise)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for features in feature_lists for f in set(features))
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(
        [{f: 1.0 for f in features if counts[f] >= MIN_FEATURE_COUNT} for features in feature_lists]
    )
    classifier = LogisticRegression(C=c, max_iter=300, random_state=SEED, class_weight=class_weight)
    classifier.fit(matrix, list(labels))
    return vectorizer, classifier


def fit(examples: Sequence[tuple[Candidate, str]], heads: frozenset[str]) -> dict:
    """The model's JSON: classes, intercepts, per-feature weights, n-gram heads."""
    # the n-grams the generator keeps at inference with these heads (collected with every head)
    kept = [(c, label) for c, label in examples if not c.ngram or ends_on_head(_head(c), heads)]
    vectorizer, classifier = _regression(
        [c.features for c, _ in kept], [label for _, label in kept], REGULARISATION, CLASS_WEIGHT
    )
    order = [list(classifier.classes_).index(c) if c in classifier.classes_ else None for c in CLASSES]
    weights = {}
    for feature, column in sorted(vectorizer.vocabulary_.items()):
        row = [round(float(classifier.coef_[i, column]), 4) if i is not None else 0.0 for i in order]
        if any(row):
            weights[feature] = row
    intercept = [round(float(classifier.intercept_[i]), 4) if i is not None else -30.0 for i in order]
    return {
        "proposal": fit_proposal(examples),
        "classes": list(CLASSES),
        "intercept": intercept,
        "weights": weights,
        "heads": sorted(heads),
        "accept": NGRAM_ACCEPT,
        "group_accept": GROUP_ACCEPT,
        "candidates": len(kept),
    }


def fit_proposal(examples: Sequence[tuple[Candidate, str]]) -> dict:
    """The binary model of "the paper's own": over the rules' groups that name a gold method or dataset,
    labelled by the gold ``proposed`` list."""
    rows = [
        ([*c.proposal_features, f"kind={label}"], c.proposal_label)
        for c, label in examples
        if label in ("method", "dataset") and not c.ngram and c.proposal_features
    ]
    if len({positive for _, positive in rows}) < 2:
        return {}
    vectorizer, classifier = _regression(
        [feats for feats, _ in rows], [positive for _, positive in rows], PROPOSAL_REGULARISATION
    )
    weights = {
        feature: round(float(classifier.coef_[0, column]), 4)
        for feature, column in sorted(vectorizer.vocabulary_.items())
        if round(float(classifier.coef_[0, column]), 4)
    }
    return {
        "weights": weights,
        "intercept": round(float(classifier.intercept_[0]), 4),
        "accept": PROPOSAL_ACCEPT,
    }


def train(papers: Sequence[GoldPaper]) -> dict:
    examples = [example for paper in collect(papers) for example in paper]
    model = fit(examples, head_words(papers))
    model["papers"] = len(papers)
    return model


def folds(papers: Sequence[GoldPaper], k: int) -> list[list[int]]:
    order = list(range(len(papers)))
    random.Random(SEED).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(papers: Sequence[GoldPaper], k: int = 5) -> list[dict]:
    """Pooled ``kg extract`` lines for every paper, each predicted by a model trained without its fold."""
    from kg.extraction import build_pipeline, extract
    from kg.papers import Paper

    collected = collect(papers)
    nlp = build_pipeline()
    predictions: dict[int, dict] = {}
    for held_out in folds(papers, k):
        held = set(held_out)
        training = [i for i in range(len(papers)) if i not in held]
        examples = [example for i in training for example in collected[i]]
        model = Model.from_json(fit(examples, head_words([papers[i] for i in training])))
        for i in held_out:
            gold = papers[i]
            extraction = extract(
                Paper(title=gold.title, abstract=gold.abstract, record_id=gold.id), nlp, model=model
            )
            predictions[i] = {"id": gold.id, **extraction.to_json()}
    return [predictions[i] for i in range(len(papers))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kg.extraction.training", description=__doc__.splitlines()[0]
    )
    parser.add_argument("command", choices=["train", "cv"])
    parser.add_argument("gold", nargs="+", help="gold JSON Lines files (../shared/eval/train.jsonl ...)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("-o", "--output", help="model JSON (train) or pooled predictions (cv)")
    args = parser.parse_args(argv)
    papers = read_gold(args.gold)
    if args.command == "train":
        model = train(papers)
        output = Path(args.output or MODEL_PATH)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(papers)} papers, {len(model['weights'])} features -> {output}", file=sys.stderr)
        return 0
    rows = cross_validate(papers, args.folds)
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

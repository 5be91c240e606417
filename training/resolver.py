"""Training the resolver on annotated papers, and measuring it honestly with k-fold cross-validation.

    python -m training.resolver train [GOLD.jsonl ...] [-o kg/extraction/models/resolver.json]
    python -m training.resolver cv [GOLD.jsonl ...] [--folds 5] [-o pred.jsonl]

Without gold files both read the four annotated sets beside the repository (``GOLD_FILES``: 668 papers).

Gold files follow ``../shared/eval/GUIDELINES.md``. Every candidate the pipeline proposes (the rules' mention
groups and word n-grams) is labelled with the kind of the gold entity it names, or ``none``; a multinomial
logistic regression (scikit-learn, fixed seed and solver, so the same files give the same model) learns
the decision. ``cv`` trains on k-1 folds, predicts the fold left out, and writes the pooled predictions for
``score.py``: the figures to steer by, since no paper is scored by a model that saw it. The acceptance
thresholds are part of what is fitted: ``choose_thresholds`` picks them by an inner cross-validation over
the training papers alone, so no fold's test papers set them either.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.core.domain import ENTITY_KINDS
from kg.extraction.resolver import CLASSES, MODEL_PATH, NONE, Candidate, Model, ends_on_head, scorer_form

SEED = 13
EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
# the annotated papers, by source: the bundled sample's (train, dev), NeurIPS 2023 and SciREX abstracts
GOLD_FILES = ("train.jsonl", "dev.jsonl", "train_neurips.jsonl", "train_scirex.jsonl")
SOURCES = {"train": "sample", "dev": "sample", "train_neurips": "neurips", "train_scirex": "scirex"}
MIN_FEATURE_COUNT = 2  # features seen fewer times in training are dropped (they cannot generalise)
MIN_HEAD_COUNT = 2  # a gold name's last word becomes an n-gram head after this many names
REGULARISATION = 0.5  # scikit-learn's C
# probability thresholds, chosen by 5-fold cross-validation for F1 (0.15-0.5 tried): a rule's metric or
# task is kept on weaker evidence than a rule's method, whose rules are the more often wrong
NGRAM_ACCEPT = 0.35
GROUP_ACCEPT = {"method": 0.35, "dataset": 0.35, "technique": 0.25, "task": 0.25, "metric": 0.2}
CLASS_WEIGHT: dict[str, float] | None = None
# the thresholds are chosen inside the training papers (``choose_thresholds``): an inner cross-validation
# over them, never the papers a model is scored on; the constants above are the fallback for tiny sets
THRESHOLD_GRID = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
INNER_FOLDS = 3
MIN_THRESHOLD_PAPERS = 60  # fewer training papers: the constants above (an inner split would be noise)
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
    source: str = ""  # which annotated set it comes from (SOURCES), for per-source figures


def read_gold(paths: Iterable[str | Path] | None = None) -> list[GoldPaper]:
    """The annotated papers of ``paths`` (default: ``GOLD_FILES`` in ``../shared/eval``)."""
    papers = []
    for path in paths or [EVAL / name for name in GOLD_FILES]:
        source = SOURCES.get(Path(path).stem, Path(path).stem)
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            labels: dict[str, str] = {}
            for kind in ENTITY_KINDS:
                for entity in row.get(kind.field, []):
                    for form in entity:
                        labels.setdefault(scorer_form(form), kind.name)
            papers.append(
                GoldPaper(
                    str(row["id"]),
                    row["title"],
                    row.get("abstract", ""),
                    labels,
                    row,
                    _proposed_forms(row),
                    source,
                )
            )
    return papers


def _proposed_forms(row: dict) -> frozenset[str]:
    """Every form the gold paper gives its proposed names: their entity's other names and acronym pairs
    (as ``score.py`` matches them)."""
    groups = [{scorer_form(f) for f in entity} for kind in ENTITY_KINDS for entity in row.get(kind.field, [])]
    groups += [{scorer_form(a["short"]), scorer_form(a["long"])} for a in row.get("aliases", [])]
    forms: set[str] = set()
    for name in row.get("proposed", []):
        forms.add(scorer_form(name))
        for group in groups:
            if scorer_form(name) in group:
                forms |= group
    return frozenset(forms - {""})


def is_proposed(candidate: Candidate, paper: GoldPaper) -> bool:
    return any(scorer_form(form) in paper.proposed for form in candidate.forms)


def label_of(candidate: Candidate, paper: GoldPaper) -> str:
    for form in candidate.forms:
        kind = paper.labels.get(scorer_form(form))
        if kind:
            return kind
    return NONE


def collect(papers: Sequence[GoldPaper]) -> list[list[tuple[Candidate, str]]]:
    """Every candidate of every paper with its gold label (the rules alone decide the pipeline's flow)."""
    from kg.core.papers import Paper
    from kg.extraction import build_pipeline, extract

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


def fit(
    examples: Sequence[tuple[Candidate, str]],
    heads: frozenset[str],
    thresholds: tuple[dict[str, float], dict[str, float]] | None = None,
    proposal: bool = True,
) -> dict:
    """The model's JSON: classes, intercepts, per-feature weights, n-gram heads, and the acceptance
    thresholds by kind for a rule's group and for an n-gram (``thresholds``; default the constants)."""
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
    group_accept, ngram_accept = thresholds or (GROUP_ACCEPT, {})
    return {
        "proposal": fit_proposal(examples) if proposal else {},
        "classes": list(CLASSES),
        "intercept": intercept,
        "weights": weights,
        "heads": sorted(heads),
        "accept": NGRAM_ACCEPT,
        "ngram_accept": ngram_accept,
        "group_accept": group_accept,
        "candidates": len(kept),
    }


def choose_thresholds(
    papers: Sequence[GoldPaper], collected: Sequence[list[tuple[Candidate, str]]]
) -> tuple[dict[str, float], dict[str, float]]:
    """Acceptance thresholds by kind, for a rule's group and for an n-gram, chosen for F1 by an inner
    cross-validation over these papers alone: each paper's candidates are scored by a model fitted without
    it, and the entities they would yield are matched to its gold names (one-to-one, as ``score.py``)."""
    if len(papers) < MIN_THRESHOLD_PAPERS:
        return dict(GROUP_ACCEPT), {}
    low = min(THRESHOLD_GRID)
    kinds = [c for c in CLASSES if c != NONE]
    # per paper and kind: (is n-gram, probability, start, end, forms) of candidates that kind could win
    scored: list[dict[str, list[tuple[bool, float, int, int, frozenset[str]]]]] = []
    gold_ids: list[dict[str, dict[str, int]]] = []
    for inner in folds(papers, INNER_FOLDS):
        held = set(inner)
        training = [i for i in range(len(papers)) if i not in held]
        heads = head_words([papers[i] for i in training])
        model = Model.from_json(fit([e for i in training for e in collected[i]], heads, proposal=False))
        for i in inner:
            candidates = [c for c, _ in collected[i] if not c.ngram or ends_on_head(_head(c), heads)]
            probs = model.probabilities([c.features for c in candidates])
            by_kind: dict[str, list] = {k: [] for k in kinds}
            for candidate, row in zip(candidates, probs, strict=True):
                best = 1 + int(row[1:].argmax())
                if row[best] >= low:
                    forms = frozenset(scorer_form(f) for f in candidate.forms) - {""}
                    by_kind[model.classes[best]].append(
                        (candidate.ngram, float(row[best]), candidate.start, candidate.end, forms)
                    )
            scored.append(by_kind)
            gold_ids.append(_gold_entities(papers[i].row))

    def f1(kind: str, group_t: float, ngram_t: float) -> float:
        tp_pred = tp_gold = n_pred = n_gold = 0
        for by_kind, gold in zip(scored, gold_ids, strict=True):
            ids = gold.get(kind, {})
            n_gold += len(set(ids.values()))
            items = [forms for ngram, p, _, _, forms in by_kind[kind] if not ngram and p >= group_t]
            seen = set().union(*items) if items else set()
            chosen: list[tuple[int, int]] = []
            ngrams = sorted((x for x in by_kind[kind] if x[0] and x[1] >= ngram_t), key=lambda x: -x[1])
            for _, _, start, end, forms in ngrams:
                if any(s < end and start < e for s, e in chosen) or forms & seen:
                    continue
                chosen.append((start, end))
                seen |= forms
                items.append(forms)
            matched = set()
            for forms in items:
                hit = {ids[f] for f in forms if f in ids}
                tp_pred += bool(hit)
                matched |= hit
            n_pred += len(items)
            tp_gold += len(matched)
        p = tp_pred / n_pred if n_pred else 0.0
        r = tp_gold / n_gold if n_gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    group_accept, ngram_accept = {}, {}
    for kind in kinds:
        group_t = GROUP_ACCEPT.get(kind, NGRAM_ACCEPT)
        ngram_t = NGRAM_ACCEPT
        for _ in range(2):  # coordinate ascent: the group threshold, then the n-gram one
            group_t = max(THRESHOLD_GRID, key=lambda t: (f1(kind, t, ngram_t), -abs(t - group_t)))
            ngram_t = max(THRESHOLD_GRID, key=lambda t: (f1(kind, group_t, t), -abs(t - ngram_t)))
        group_accept[kind], ngram_accept[kind] = group_t, ngram_t
    return group_accept, ngram_accept


def _gold_entities(row: dict) -> dict[str, dict[str, int]]:
    """For each kind, the gold paper's normalised names -> the index of the entity they name."""
    out: dict[str, dict[str, int]] = {}
    for kind in ENTITY_KINDS:
        names = out.setdefault(kind.name, {})
        for index, entity in enumerate(row.get(kind.field, [])):
            for form in entity:
                names.setdefault(scorer_form(form), index)
    return out


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
    collected = collect(papers)
    examples = [example for paper in collected for example in paper]
    model = fit(examples, head_words(papers), choose_thresholds(papers, collected))
    model["papers"] = len(papers)
    return model


def folds(papers: Sequence[GoldPaper], k: int) -> list[list[int]]:
    order = list(range(len(papers)))
    random.Random(SEED).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(
    papers: Sequence[GoldPaper],
    k: int = 5,
    collected: Sequence[list[tuple[Candidate, str]]] | None = None,
) -> list[dict]:
    """Pooled ``kg extract`` lines for every paper, each predicted by a model trained without its fold
    (``collected``: the papers' candidates, when the caller has them already)."""
    from kg.core.papers import Paper
    from kg.extraction import build_pipeline, extract

    collected = collected if collected is not None else collect(papers)
    nlp = build_pipeline()
    predictions: dict[int, dict] = {}
    for fold, held_out in enumerate(folds(papers, k)):
        held = set(held_out)
        training = [i for i in range(len(papers)) if i not in held]
        examples = [example for i in training for example in collected[i]]
        thresholds = choose_thresholds([papers[i] for i in training], [collected[i] for i in training])
        print(f"fold {fold + 1}/{k}: thresholds {thresholds}", file=sys.stderr)
        model = Model.from_json(fit(examples, head_words([papers[i] for i in training]), thresholds))
        for i in held_out:
            gold = papers[i]
            extraction = extract(
                Paper(title=gold.title, abstract=gold.abstract, record_id=gold.id), nlp, model=model
            )
            predictions[i] = {"id": gold.id, **extraction.to_json()}
    return [predictions[i] for i in range(len(papers))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.resolver", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["train", "cv"])
    parser.add_argument(
        "gold", nargs="*", help="gold JSON Lines files (default: the four in ../shared/eval, 668 papers)"
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("-o", "--output", help="model JSON (train) or pooled predictions (cv)")
    args = parser.parse_args(argv)
    papers = read_gold(args.gold or None)
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

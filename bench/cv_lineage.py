"""Cross-validated lineage P/R/F1 by paper over every annotated paper: the rules alone beside the learned
model, pooled and per source.

    python bench/cv_lineage.py [--eval-dir ../shared/eval] [--folds 5]   # needs ../shared/eval, ~10 minutes

The 668 papers of ``train.jsonl`` + ``dev.jsonl`` ("sample"), ``train_neurips.jsonl`` and
``train_scirex.jsonl`` are dealt into folds by paper (fixed seed). Each paper's entities come from a resolver
trained on the other folds only (``training.lineage.out_of_fold_extractions``), so lineage
reads what the entity stage would give a paper it never saw. The lineage model of each fold is trained on
the other folds' papers (its threshold chosen by inner folds of those) and applied to the fold left out;
the rules read the same entities. Scored by the eval's own ``score.py``. The shipped
``kg/extraction/models/lineage.json`` is never used here.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
from pathlib import Path

from evalsets import DEFAULT_EVAL_DIR, SOURCES, load_scorer, scorer_missing

GOLD_TYPES = {
    "methods": "method",
    "techniques": "technique",
    "datasets": "dataset",
    "metrics": "metric",
    "tasks": "task",
}


def gold_extraction(row: dict):
    """An extraction holding a gold paper's own entities, proposed names and acronym definitions."""
    from kg.extraction.records import Alias, Entity, Evidence, Extraction

    def evidence(form: str) -> Evidence:
        for field in ("title", "abstract"):
            text = row.get(field, "")
            start = text.find(form)
            if start >= 0:
                return Evidence(field, text, start, start + len(form))
        return Evidence("abstract", row.get("abstract", ""), 0, 0)

    extraction = Extraction(str(row["id"]))
    groups: dict[str, Entity] = {}
    for field, kind in GOLD_TYPES.items():
        for forms in row.get(field, []):
            if not forms:
                continue
            entity = Entity(forms[0], kind, forms[0], 1.0, evidence(forms[0]), list(forms[1:]))
            getattr(extraction, field).append(entity)
            for form in forms:
                groups.setdefault(form, entity)
    extraction.proposed = [groups[name] for name in row.get("proposed", []) if name in groups]
    extraction.aliases = [Alias(a["short"], a["long"], evidence(a["short"])) for a in row.get("aliases", [])]
    return extraction


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--cache",
        type=Path,
        help="pickle of the out-of-fold extractions: read when it exists, else written (a rerun after a "
        "lineage change skips the five resolver fits; delete it when the resolver or the gold changes)",
    )
    parser.add_argument(
        "--gold-entities",
        action="store_true",
        help="lineage read from the gold entities, proposed names and acronyms instead of predicted ones: "
        "the entity stage's bound on lineage (sentences still from the pipeline)",
    )
    args = parser.parse_args(argv)
    if scorer_missing(args.eval_dir):
        return 2
    from kg.core.papers import Paper
    from kg.extraction import build_pipeline
    from kg.extraction.lineage import rule_lineage
    from kg.extraction.lineage_model import decide
    from training import lineage as lt

    scorer = load_scorer(args.eval_dir)
    paths = [args.eval_dir / name for name in SOURCES]
    rows, source = [], {}
    for path in paths:
        for row in lt.read_rows([path]):
            rows.append(row)
            source[str(row["id"])] = SOURCES[path.name]
    fold_of = lt.folds([str(r["id"]) for r in rows], args.folds)
    if args.cache and args.cache.is_file():
        with args.cache.open("rb") as handle:
            extractions = pickle.load(handle)
    else:
        extractions = lt.out_of_fold_extractions(paths, fold_of, args.folds)
        if args.cache:
            with args.cache.open("wb") as handle:
                pickle.dump(extractions, handle)
    if args.gold_entities:
        extractions = {str(row["id"]): (gold_extraction(row), extractions[str(row["id"])][1]) for row in rows}
    labelled = lt.labelled_papers(rows, extractions)
    vocabulary = build_pipeline().get_pipe("kg_vocabulary")
    rules, model_edges = {}, {}
    for row in rows:
        paper = Paper(title=row["title"], abstract=row.get("abstract", ""), record_id=str(row["id"]))
        extraction, sentences = extractions[str(row["id"])]
        rules[str(row["id"])] = rule_lineage(paper, extraction, sentences, vocabulary)
    thresholds = []
    for fold in range(args.folds):
        model = lt.fit([labelled[str(r["id"])] for r in rows if fold_of[str(r["id"])] != fold])
        thresholds.append(model.threshold)
        for row in rows:
            if fold_of[str(row["id"])] == fold:
                model_edges[str(row["id"])] = decide(labelled[str(row["id"])].pairs, model)

    def prf(ids: list[str], edges: dict) -> tuple[float, float, float, int]:
        counts = scorer.Counts()
        for row in (r for r in rows if str(r["id"]) in ids):
            gold = [(e["child"], e["parent"]) for e in row.get("lineage", [])]
            pred = [(e.child, e.parent) for e in edges[str(row["id"])]]
            counts.add(*scorer.match_pairs(gold, pred, scorer.synonyms(row)))
        return (*counts.prf(), counts.n_pred)

    print(f"{len(rows)} papers, {args.folds} folds by paper; thresholds {thresholds}")
    print(
        f"{'source':<9}{'papers':>7}{'gold':>6}   {'rules P / R / F1 (pred)':<32}{'model P / R / F1 (pred)'}"
    )
    for name in ("sample", "neurips", "scirex", "pooled"):
        ids = [str(r["id"]) for r in rows if name == "pooled" or source[str(r["id"])] == name]
        gold = sum(len(r.get("lineage", [])) for r in rows if str(r["id"]) in set(ids))
        cells = []
        for edges in (rules, model_edges):
            p, r, f, n = prf(ids, edges)
            cells.append(f"{p:.3f} / {r:.3f} / {f:.3f} ({n})")
        print(f"{name:<9}{len(ids):>7}{gold:>6}   {cells[0]:<32}{cells[1]}")
    per_fold = [
        prf([str(r["id"]) for r in rows if fold_of[str(r["id"])] == k], model_edges)
        for k in range(args.folds)
    ]
    print(
        "model per fold P: "
        + ", ".join(f"{p:.3f}" for p, *_ in per_fold)
        + "; F1: "
        + ", ".join(f"{f:.3f}" for _, _, f, _ in per_fold)
        + f" (mean {statistics.mean(f for _, _, f, _ in per_fold):.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

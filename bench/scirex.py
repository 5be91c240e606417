"""kg's extraction against SciREX's mentions in the title and abstract, with lenient and strict matching.

    python bench/scirex.py [--docs ../shared/external/scirex/docs.jsonl] [--eval-dir ../shared/eval]
                           [--rules-only] [--examples 10]

SciREX (Jain et al., ACL 2020) annotates Method / Task / Metric / Material mentions over whole papers. kg's
resolver was trained on ``../shared/eval`` only, so these papers are a held-out check; nothing is fitted here.

Text. Each document's front matter is cut out of its tokens in one of two shapes, else skipped with a count:

- section 0 starts with ``document :``: the title is the rest of section 0's first sentence (the
  ``sentences`` span starting at token 0), the abstract the rest of section 0;
- section 1 starts with ``section : Abstract`` (any case): the title is section 0, the abstract
  section 1 without those three tokens.

A document whose abstract comes out empty, longer than ``MAX_ABSTRACT_TOKENS`` tokens (section 0 holding
the body too) or full of LaTeX macro definitions (over ``MAX_MACRO_TOKENS`` tokens with ``=``) is skipped as
well. Each field is rebuilt by ``detokenise``: tokens joined with one space, then no space before ``, . ; : ) ] % ? !`` or a token starting with an apostrophe (``'s``), none after
``(`` or ``[``, and a lone ``-`` token joins the tokens on both sides (SciREX splits "V-Net" into
``V - Net``). Every token keeps its character span in the field's text.

Gold. The ``ner`` mentions lying wholly inside the title or the abstract (by token span), read from the
rebuilt text through those character spans: Material -> datasets, Metric -> metrics, Task -> tasks,
Method -> methods. Per paper and field, the set of distinct mention strings after ``score.py``'s ``norm``.
Methods are printed apart: SciREX marks generic phrases as methods ("deep neural networks", "training"),
kg's guidelines do not, so that row says little; kg's ``methods`` and ``techniques`` are both compared.

Prediction. ``kg extract``'s entities: ``extract(Paper(title, abstract), nlp)`` with the shipped resolver
(and, with ``--rules-only``, beside it ``model=None``: the rules alone). Each entity counts once, with all
its forms (name and aliases, normalised).

Matching. Strict: a form equals the gold string. Lenient: the word sequences of a form and the gold string
overlap as whole words, one a contiguous word run of the other ("coco" / "coco dataset", "accuracy" /
"top 1 accuracy"). Either way one-to-one: a maximum bipartite matching (augmenting paths), so an entity
matches at most one gold string and a gold string at most one entity, whatever the order. P = matched
entities / entities, R = matched gold strings / gold strings, pooled over all papers.

With ``--examples N``, the model's lenient errors by cause and N sampled of each: another kg field found the
string, SciREX gave it another type, or it overlaps an entity matched to another gold string (an acronym and
its long form, "accuracy" and "top-1 accuracy": lost to the one-to-one rule).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEFAULT_DOCS = SHARED / "external" / "scirex" / "docs.jsonl"
DEFAULT_EVAL_DIR = SHARED / "eval"
MAX_ABSTRACT_TOKENS = 600
MAX_MACRO_TOKENS = (
    10  # tokens holding "=": LaTeX definitions (``first= mAP``, ``font=``) the converter left in
)
NO_SPACE_BEFORE = frozenset((",", ".", ";", ":", ")", "]", "%", "?", "!"))
NO_SPACE_AFTER = frozenset(("(", "["))
JOINER = "-"
# SciREX type -> kg field(s) compared with it; the bar is the open extraction issue's lenient F1.
FIELDS = {"datasets": "Material", "metrics": "Metric", "tasks": "Task", "methods": "Method"}
KG_FIELDS = {
    "datasets": ("datasets",),
    "metrics": ("metrics",),
    "tasks": ("tasks",),
    "methods": ("methods", "techniques"),
}
BAR = {"datasets": 0.75, "metrics": 0.66, "tasks": 0.52}

Norm = Callable[[str], str]


@dataclass
class Field:
    """One rebuilt field: its text, and for each token index of the document its character span in it."""

    first: int  # token index of the field's first token in the document
    end: int  # token index after its last
    text: str = ""
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    def mention(self, start: int, end: int) -> str | None:
        """The text of tokens ``[start, end)`` when they lie wholly inside this field, else None."""
        if not (self.first <= start < end <= self.end):
            return None
        return self.text[self.spans[start][0] : self.spans[end - 1][1]]


@dataclass
class Front:
    doc_id: str
    title: Field
    abstract: Field


def detokenise(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Plain text from tokens and each token's ``(start, end)`` in it (see the module's docstring)."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    glue_next = False
    for index, token in enumerate(tokens):
        glued = (
            index == 0
            or glue_next
            or token in NO_SPACE_BEFORE
            or token[:1] in ("'", "\u2019")
            or (token == JOINER and 0 < index < len(tokens) - 1)
        )
        if not glued:
            parts.append(" ")
            length += 1
        spans.append((length, length + len(token)))
        parts.append(token)
        length += len(token)
        glue_next = token in NO_SPACE_AFTER or (token == JOINER and 0 < index < len(tokens) - 1)
    return "".join(parts), spans


def rebuild(words: Sequence[str], first: int, end: int) -> Field:
    text, spans = detokenise(words[first:end])
    return Field(first, end, text, {first + i: span for i, span in enumerate(spans)})


def split_front(doc: dict) -> Front | str:
    """The title and abstract of a SciREX document, or the reason it is skipped."""
    words, sections = doc.get("words") or [], doc.get("sections") or []
    if not words or not sections:
        return "no words or sections"
    (s0_start, s0_end), lowered = sections[0], [w.lower() for w in words]
    if lowered[s0_start : s0_start + 2] == ["document", ":"]:
        first_sentence = next((s for s in doc.get("sentences") or [] if s[0] == s0_start), None)
        if first_sentence is None or not s0_start + 2 < first_sentence[1] <= s0_end:
            return "`document :` without a title sentence"
        title = (s0_start + 2, first_sentence[1])
        abstract = (first_sentence[1], s0_end)
    elif len(sections) > 1 and lowered[sections[1][0] : sections[1][0] + 3] == ["section", ":", "abstract"]:
        title = (s0_start, s0_end)
        abstract = (sections[1][0] + 3, sections[1][1])
    else:
        return "neither `document :` nor `section : Abstract`"
    if title[1] <= title[0]:
        return "empty title"
    if abstract[1] <= abstract[0]:
        return "empty abstract"
    if abstract[1] - abstract[0] > MAX_ABSTRACT_TOKENS:
        return f"abstract over {MAX_ABSTRACT_TOKENS} tokens (body inside)"
    if sum("=" in word for word in words[abstract[0] : abstract[1]]) > MAX_MACRO_TOKENS:
        return "LaTeX macro definitions in the abstract"
    return Front(str(doc.get("doc_id", "")), rebuild(words, *title), rebuild(words, *abstract))


def gold_mentions(doc: dict, front: Front, norm: Norm) -> dict[str, set[str]]:
    """Each SciREX type's distinct normalised mention strings inside the title or abstract."""
    gold: dict[str, set[str]] = {kind: set() for kind in FIELDS.values()}
    for start, end, kind in doc.get("ner") or []:
        text = front.title.mention(start, end) or front.abstract.mention(start, end)
        if text and kind in gold and norm(text):
            gold[kind].add(norm(text))
    return gold


def overlaps(a: str, b: str) -> bool:
    """Whether one normalised string's words are a contiguous run of the other's (whole words only)."""
    if not a or not b:
        return False
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def max_matching(
    predicted: Sequence[Sequence[str]], gold: Sequence[str], match: Callable[[str, str], bool]
) -> dict[int, int]:
    """A maximum one-to-one matching, gold index -> predicted index, where some form of the entity
    ``match``es the gold string (Kuhn's augmenting paths; the lists are a paper's, a few dozen at most)."""
    edges = [
        [g for g, text in enumerate(gold) if any(match(form, text) for form in forms)] for forms in predicted
    ]
    owner: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges[p]:
            if g in seen:
                continue
            seen.add(g)
            if g not in owner or augment(owner[g], seen):
                owner[g] = p
                return True
        return False

    for p in range(len(predicted)):
        augment(p, set())
    return owner


def exact(a: str, b: str) -> bool:
    return bool(a) and a == b


MATCHERS = {"lenient": overlaps, "strict": exact}


@dataclass
class Tally:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)  # (doc id, gold string)
    false_positives: list[tuple[str, str]] = field(default_factory=list)  # (doc id, entity name)
    miss_causes: Counter = field(default_factory=Counter)
    false_positive_causes: Counter = field(default_factory=Counter)
    # the last paper's: unmatched gold strings, unmatched entities' forms, matched entities' forms
    unmatched: tuple[list, list, list] = ([], [], [])

    def add(
        self, doc_id: str, predicted: Sequence[tuple[str, Sequence[str]]], gold: Sequence[str], match
    ) -> None:
        owner = max_matching([forms for _, forms in predicted], gold, match)
        self.tp += len(owner)
        self.n_pred += len(predicted)
        self.n_gold += len(gold)
        matched = set(owner.values())
        self.misses += [(doc_id, text) for g, text in enumerate(gold) if g not in owner]
        self.false_positives += [(doc_id, name) for p, (name, _) in enumerate(predicted) if p not in matched]
        self.unmatched = (
            [text for g, text in enumerate(gold) if g not in owner],
            [forms for p, (_, forms) in enumerate(predicted) if p not in matched],
            [predicted[p][1] for p in matched],
        )

    def figures(self) -> tuple[float, float, float]:
        precision = self.tp / self.n_pred if self.n_pred else 0.0
        recall = self.tp / self.n_gold if self.n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def predicted_entities(extraction, kg_fields: Iterable[str], norm: Norm) -> list[tuple[str, list[str]]]:
    """Each entity of the fields as (name, its normalised forms: name and aliases), those with a form."""
    out = []
    for name in kg_fields:
        for entity in getattr(extraction, name):
            forms = [f for f in dict.fromkeys(norm(x) for x in [entity.name, *entity.aliases]) if f]
            if forms:
                out.append((entity.name, forms))
    return out


def load_norm(eval_dir: Path) -> Norm:
    """``score.py``'s ``norm``: the eval's one definition of when two names are the same."""
    spec = importlib.util.spec_from_file_location("kg_eval_score", eval_dir / "score.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.norm


def read_docs(path: Path) -> tuple[list[tuple[dict, Front]], Counter]:
    kept, skipped = [], Counter()
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"warning: {path}:{line_number}: not JSON ({error.msg})", file=sys.stderr)
                skipped["not JSON"] += 1
                continue
            front = split_front(doc) if isinstance(doc, dict) else "not an object"
            if isinstance(front, str):
                skipped[front] += 1
            else:
                kept.append((doc, front))
    return kept, skipped


def run(docs: list[tuple[dict, Front]], norm: Norm, systems: dict[str, object]) -> dict:
    """Tallies keyed by (system, field, matching)."""
    from kg.core.papers import Paper
    from kg.extraction import build_pipeline, extract

    nlp = build_pipeline()
    tallies: dict[tuple[str, str, str], Tally] = {}
    for doc, front in docs:
        gold = gold_mentions(doc, front, norm)
        paper = Paper(title=front.title.text, abstract=front.abstract.text, record_id=front.doc_id)
        for system, model in systems.items():
            extraction = extract(paper, nlp, model=model)
            for name, kind in FIELDS.items():
                predicted = predicted_entities(extraction, KG_FIELDS[name], norm)
                for matching, match in MATCHERS.items():
                    tally = tallies.setdefault((system, name, matching), Tally())
                    tally.add(front.doc_id, predicted, sorted(gold[kind]), match)
            if system == "model":
                explain_errors(tallies, extraction, gold, norm)
    return tallies


def explain_errors(tallies: dict, extraction, gold: dict[str, set[str]], norm: Norm) -> None:
    """Why the model's lenient misses and false positives of one paper happened, counted by cause."""
    for name, kind in FIELDS.items():
        tally = tallies[("model", name, "lenient")]
        missed, stray, matched = tally.unmatched
        others = [
            (other, forms)
            for other in ("methods", "techniques", "datasets", "metrics", "tasks")
            if other not in KG_FIELDS[name]
            for _, forms in predicted_entities(extraction, (other,), norm)
        ]
        for text in missed:
            if any(overlaps(form, text) for forms in matched for form in forms):
                cause = "overlaps an entity matched to another gold string (one-to-one)"
            else:
                cause = next(
                    (
                        f"found as kg {other}"
                        for other, forms in others
                        if any(overlaps(f, text) for f in forms)
                    ),
                    "not found",
                )
            tally.miss_causes[cause] += 1
        for forms in stray:
            cause = next(
                (
                    f"SciREX {other_kind}"
                    for other_kind, texts in gold.items()
                    if other_kind != kind and any(overlaps(f, t) for f in forms for t in texts)
                ),
                "no SciREX mention",
            )
            tally.false_positive_causes[cause] += 1


def report(tallies: dict, systems: Iterable[str], examples: int) -> None:
    print(
        f"{'field':<9} {'system':<6} {'match':<8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}  bar (F1)"
    )
    for name in FIELDS:
        for system in systems:
            for matching in MATCHERS:
                tally = tallies[(system, name, matching)]
                p, r, f1 = tally.figures()
                bar = BAR.get(name) if matching == "lenient" else None
                mark = "" if bar is None else f"  {bar:.2f} {'met' if f1 >= bar else 'not met'}"
                print(
                    f"{name:<9} {system:<6} {matching:<8} {p:6.3f} {r:6.3f} {f1:6.3f} "
                    f"{tally.n_gold:5d} {tally.n_pred:5d}{mark}"
                )
    print(
        "methods: SciREX marks generic phrases as methods, kg's guidelines do not; kg methods + techniques"
        " are compared, read the row as context only."
    )
    if not examples:
        return
    rng = random.Random(13)
    for name in FIELDS:
        tally = tallies[("model", name, "lenient")]
        for label, causes in (
            ("misses", tally.miss_causes),
            ("false positives", tally.false_positive_causes),
        ):
            print(
                f"\n{name}, model, lenient {label} by cause: "
                + "; ".join(f"{c} {n}" for c, n in causes.most_common())
            )
        for label, items in (("misses", tally.misses), ("false positives", tally.false_positives)):
            picked = rng.sample(items, min(examples, len(items)))
            print(f"\n{name}, model, lenient: {examples} of {len(items)} {label}")
            for doc_id, text in picked:
                print(f"  {doc_id[:10]}  {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--rules-only", action="store_true", help="also the rules alone (model=None), beside")
    parser.add_argument("--examples", type=int, default=0, help="print N sampled misses and false positives")
    args = parser.parse_args()
    norm = load_norm(args.eval_dir)
    docs, skipped = read_docs(args.docs)
    systems: dict[str, object] = {"model": True}
    if args.rules_only:
        systems["rules"] = None
    reasons = ", ".join(f"{n} {reason}" for reason, n in skipped.most_common())
    print(
        f"SciREX title + abstract: {len(docs)} papers scored, {sum(skipped.values())} skipped ({reasons or 'none'})"
    )
    report(run(docs, norm, systems), systems, args.examples)


if __name__ == "__main__":
    main()

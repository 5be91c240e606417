"""The field's own name list, as a feature of the resolver: is a candidate a known task, data set or metric?

    python scripts/make_field_names.py [--vocab ../shared/external/vocab/vocab.jsonl] [-o FILE]

Reads the names the Papers with Code task list and leaderboards (July 2025 snapshot), the ORKG-TDM taxonomy,
the NLP-TDMS knowledge base and sota-extractor's NLP-progress tables give each type (CC-BY-SA 4.0; the
NLP-progress part MIT, NLP-TDMS Apache-2.0; see ``../shared/external/README.md``), none of them written
from the papers kg is scored on. A name with a parenthesised acronym ("Aspect-Based Sentiment Analysis
(ABSA)") gives both forms, a leaderboard's split ("COCO test-dev", "Natural Questions (long)") also its
base name. Dropped as too ambiguous, as for the SKOS vocabularies: names under three characters, single
ordinary English words ("Sentence") unless at least ``COMMON`` leaderboard papers use them ("accuracy",
"F1"), and names listed under more than two types. The resolver sees each
candidate's type in this list as a feature, and learns how far to trust it (a lookup: no speed cost).
Output: ``kg/extraction/models/field_names.json``, {normalised name: {type: papers using it}}.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VOCAB = ROOT.parent / "shared" / "external" / "vocab" / "vocab.jsonl"
ORDINARY = ROOT / "ontologies" / "vocab" / "generated" / "ordinary-words.txt"
OUTPUT = ROOT / "kg" / "extraction" / "models" / "field_names.json"
SOURCE = (
    "../shared/external/vocab/vocab.jsonl: Papers with Code task list and task details (July 2025), "
    "ORKG-TDM taxonomy, NLP-TDMS knowledge base, sota-extractor NLP-progress tables; "
    "CC-BY-SA 4.0 (NLP-progress part MIT, NLP-TDMS Apache-2.0)"
)
PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
COMMON = 20  # papers using a short or ordinary-word name before it is kept ("accuracy", "COCO", "F1")
SPLIT = re.compile(
    r"^(.*?)\s+(?:test|val|validation|dev|train|minival|test-dev|test-std|valid)\b.*$", re.IGNORECASE
)


def forms_of(name: str) -> list[str]:
    """The name and the shorter forms a paper writes it in."""
    forms = [name]
    match = PAREN.match(name)
    if match:
        base, inner = match.groups()
        forms.append(base)
        if re.fullmatch(r"[A-Z][\w\-]*[A-Z0-9][\w\-]*", inner):
            forms.append(inner)  # an acronym, not a qualifier ("long", "imputed")
    split = SPLIT.match(forms[-1] if match else name)
    if split and split.group(1):
        forms.append(split.group(1))
    return forms


def main() -> None:
    from kg.extraction.resolver import scorer_form

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB)
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    ordinary = {
        line.strip()
        for line in ORDINARY.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    names: dict[str, dict[str, int]] = defaultdict(dict)
    for line in args.vocab.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        common = int(row.get("count", 1)) >= COMMON
        for form in forms_of(row["name"]):
            key = scorer_form(form)
            if len(key) < 2 or (len(key) < 3 or " " not in key and key in ordinary) and not common:
                continue
            kinds = names[key]
            kinds[row["type"]] = kinds.get(row["type"], 0) + int(row.get("count", 1))
    kept = {key: dict(sorted(kinds.items())) for key, kinds in sorted(names.items()) if len(kinds) <= 2}
    args.output.write_text(
        json.dumps({"source": SOURCE, "names": kept}, separators=(",", ":"), ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    counts = defaultdict(int)
    for kinds in kept.values():
        for kind in kinds:
            counts[kind] += 1
    print(f"{len(kept)} names -> {args.output}: {dict(counts)}")


if __name__ == "__main__":
    main()

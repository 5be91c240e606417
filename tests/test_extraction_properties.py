"""Property: on any text, extraction never crashes and every evidence offset slices to the surface form."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.core.papers import Paper
from kg.extraction import extract
from kg.extraction.abbreviations import find_abbreviations
from kg.extraction.names import find_names

# words that trigger the rules, mixed with arbitrary text
WORDS = st.sampled_from(
    [
        "We",
        "propose",
        "introduce",
        "called",
        "named",
        "the",
        "dataset",
        "datasets",
        "benchmark",
        "on",
        "and",
        "tasks",
        "like",
        "in",
        "terms",
        "of",
        "accuracy",
        "top-1",
        "BLEU",
        "ImageNet",
        "ResNet-50",
        "BERT",
        "wav2vec",
        "2.0",
        "HiCMAE",
        "(",
        ")",
        ":",
        ",",
        ".",
        "84.4%",
        "6.5x",
        "+1.2",
        "Large",
        "Language",
        "Models",
        "(LLMs)",
        "Transformer",
        "SemEval-2024",
        "Task",
        "8",
        "https://github.com/a/b",
        "é",
        "\u00d7",
        "<b>",
        "$\\alpha$",
        "\n",
    ]
)
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=60).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, abstract=TEXT)
def test_extract_never_crashes_and_offsets_slice(title, abstract):
    paper = Paper(title=title or "t", abstract=abstract)
    ex = extract(paper)
    fields = {"title": paper.title, "abstract": paper.abstract}
    records = [(e.evidence, e.name) for e in ex.entities()]
    records += [(a.evidence, a.short) for a in ex.aliases]
    records += [(link.evidence, link.raw) for link in ex.repos + ex.project_pages]
    for evidence, name in records:
        assert fields[evidence.field][evidence.start : evidence.end] == name
    for entity in ex.entities():
        assert entity.type in ("method", "technique", "dataset", "metric", "task")


@settings(max_examples=80, deadline=None)
@given(text=TEXT)
def test_rules_return_offsets_into_the_text(text):
    for a in find_abbreviations(text):
        assert text[a.short_start : a.short_end] == a.short
        assert text[a.long_start : a.long_end] == a.long
    for mention in find_names(text):
        assert 0 <= mention.start < mention.end <= len(text)

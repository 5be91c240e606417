"""A small lineage graph built through kg's own graph code: BERT and its variants, the EAGLE series."""

from __future__ import annotations

from kg.core.papers import Paper
from kg.extraction.records import Entity, Evidence, Extraction, LineageEdge
from kg.graph import build_graph

SPELT_OUT = "Bidirectional Encoder Representations from Transformers"
# (title, date, proposed method, [(parent, relation)], other methods named)
PAPERS = [
    ("Attention Is All You Need", "2017-06-12", "Transformer", [], []),
    (
        "BERT: Pre-training of Deep Bidirectional Transformers",
        "2018-10-11",
        "BERT",
        [("Transformer", "based_on")],
        ["Transformer"],
    ),
    ("BERTurk: a Turkish BERT", "2020-05-01", "BERTurk", [("BERT", "variant_of")], ["BERT"]),
    (
        'AD-BERT: <b>clinical</b> notes & "progression"',
        "2022-03-01",
        "AD-BERT",
        [("BERT", "variant_of")],
        ["BERT"],
    ),
    ("EAGLE: Speculative Sampling Requires Rethinking Feature Uncertainty", "2024-01-26", "EAGLE", [], []),
    (
        "EAGLE-2: Faster Inference with Dynamic Draft Trees",
        "2024-06-24",
        "EAGLE-2",
        [("EAGLE", "extends")],
        ["EAGLE"],
    ),
    (
        "EAGLE-3: Scaling up Inference Acceleration",
        "2025-03-03",
        "EAGLE-3",
        [("EAGLE", "extends"), ("EAGLE-2", "improves_on")],
        ["EAGLE", "EAGLE-2", "BERT"],
    ),
    # BERT spelt out: its node is "Bidirectional Encoder ..." with the variant "BERT" (one method, two nodes)
    ("NoteBERT: clinical notes", "2023-05-01", "NoteBERT", [(SPELT_OUT, "variant_of")], [SPELT_OUT]),
    ("Ouroboros A", "2023-01-01", "Ouro-A", [("Ouro-B", "extends")], []),
    ("Ouroboros B", "2023-02-01", "Ouro-B", [("Ouro-A", "extends")], []),
]


def _entity(name: str, text: str) -> Entity:
    start = text.find(name)
    return Entity(
        name=name,
        type="method",
        canonical=name,
        confidence=0.9,
        evidence=Evidence("abstract", text, max(start, 0), max(start, 0) + len(name)),
        aliases=["BERT"] if name == SPELT_OUT else [],
    )


def lineage_pairs() -> list[tuple[Paper, Extraction]]:
    pairs = []
    for i, (title, date, proposed, parents, others) in enumerate(PAPERS):
        abstract = f"We propose {proposed}. " + " ".join(f"It relates to {p}." for p, _ in parents)
        abstract += " " + " ".join(f"We compare with {o}." for o in others)
        paper = Paper(title=title, abstract=abstract.strip(), arxiv_id=f"2401.{i:05d}", date=date)
        extraction = Extraction(
            paper.id,
            methods=[_entity(proposed, abstract)] + [_entity(o, abstract) for o in others],
            proposed=[_entity(proposed, abstract)],
        )
        for parent, relation in parents:
            start = abstract.index(parent, abstract.index("relates"))
            extraction.lineage.append(
                LineageEdge(
                    proposed,
                    parent,
                    relation,
                    0.8,
                    Evidence("abstract", abstract, start, start + len(parent)),
                )
            )
        pairs.append((paper, extraction))
    return pairs


def lineage_graph():
    return build_graph(lineage_pairs(), with_vocabularies=False)

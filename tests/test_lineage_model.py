"""The learned lineage decision (kg.extraction.lineage_model): its candidates, its shipped weights, its
training path. The rules that generate the candidates: ``test_lineage_extraction.py``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.core import identity
from kg.core.papers import Paper
from kg.core.resources import sample_paths
from kg.extraction import build_pipeline, extract, extract_many
from kg.extraction.assemble import build_extraction, sentence_offsets
from kg.extraction.lineage_model import MODEL_PATH, LineageModel, decide, lineage_pairs, load_model
from kg.extraction.text import make_doc
from kg.sources import read_papers


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def pairs_of(paper: Paper, nlp):
    doc = nlp(make_doc(nlp, paper.text))
    vocabulary = nlp.get_pipe("kg_vocabulary")
    extraction = build_extraction(doc, paper.id, paper.title, paper.abstract, vocabulary)
    return lineage_pairs(paper, extraction, sentence_offsets(doc), vocabulary)


def test_every_candidate_parent_is_written_by_the_text_and_is_not_the_child(nlp):
    """GUIDELINES: a parent is a method or technique the text names; never the child's own long form,
    never a string the text does not contain (the sample's papers, through the whole extraction)."""
    papers = read_papers(sample_paths())[0][:80]
    seen = 0
    for paper in papers:
        text = paper.text.casefold()
        for pair in pairs_of(paper, nlp):
            parent = pair.edge().parent
            seen += 1
            assert parent.casefold() in text, (paper.title, parent)
            assert identity.key("method", parent) not in pair.child.keys, (paper.title, parent)
    assert seen > 20


def test_the_shipped_model_loads_and_runs_without_scikit_learn():
    """Run time reads the JSON weights only: extraction works with scikit-learn made unimportable."""
    assert load_model(MODEL_PATH) is not None
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "from kg.extraction import extract\n"
        "from kg.core.papers import Paper\n"
        "e = extract(Paper(title='FooNet: Fast Nets', abstract='We propose FooNet, a network built upon "
        "ResNet-50 for image classification.'))\n"
        "print([(x.child, x.parent, x.relation) for x in e.lineage])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "ResNet-50" in out.stdout


def test_what_a_method_attacks_or_is_tested_with_is_not_its_parent():
    """QuadAttacK is given the models it attacks by the cue "using"; the model weighs what the sentence
    says of them (tested on, attacks) and leaves them out, while a backbone built upon stays."""
    paper = Paper(
        title="FooAttack: Learning Ordered Top-K Adversarial Attacks",
        abstract="We propose FooAttack, a novel attack method built upon quadratic programming. In "
        "experiments, the proposed FooAttack is tested in the ImageNet-1k classification using ResNet-50, "
        "DenseNet-121, and Vision Transformers. FooAttack successfully attacks DenseNet-121.",
    )
    parents = {edge.parent for edge in extract(paper).lineage}
    assert not parents & {"ResNet-50", "DenseNet-121", "ViT", "Vision Transformers"}, parents


def test_the_model_decides_by_its_weights_and_threshold(nlp):
    paper = Paper(
        title="BarNet: Small Nets",
        abstract="We propose BarNet. BarNet is built on top of LSTM and outperforms GRU on all tasks.",
    )
    pairs = pairs_of(paper, nlp)
    assert {pair.parent.name for pair in pairs} >= {"LSTM", "GRU"}
    everything = LineageModel({}, 5.0, 0.5)
    nothing = LineageModel({}, -5.0, 0.5)
    assert {e.parent for e in decide(pairs, everything)} >= {"LSTM", "GRU"}
    assert decide(pairs, nothing) == []
    # a weight on one feature moves exactly the pairs that have it
    picky = LineageModel({"rule": 10.0}, -5.0, 0.5)
    assert {e.parent for e in decide(pairs, picky)} == {p.parent.name for p in pairs if p.rule}


def test_training_fits_saves_and_loads_a_model_that_decides_as_it_did(tmp_path, nlp):
    """The training path (training.lineage) cannot rot: pairs from real extraction labelled
    by gold rows, a fitted model, saved and loaded back, deciding as it did."""
    from training.lineage import fit, label, save

    texts = [
        ("FooNet: fast nets", "We propose FooNet. FooNet is based on ResNet and outperforms VGG.", "ResNet"),
        ("BarNet: small nets", "We propose BarNet. BarNet is built on top of LSTM, unlike GRU.", "LSTM"),
        ("BazNet: deep nets", "We propose BazNet. BazNet extends DenseNet and beats AlexNet.", "DenseNet"),
        ("QuxNet: wide nets", "We propose QuxNet. QuxNet is based on MobileNet, unlike ResNet.", "MobileNet"),
    ]
    labelled = []
    for i, (title, abstract, parent) in enumerate(texts):
        paper = Paper(title=title, abstract=abstract, record_id=f"p{i}")
        child = title.split(":")[0]
        row = {"id": f"p{i}", "lineage": [{"child": child, "parent": parent, "relation": "based_on"}]}
        labelled.append(label(row, pairs_of(paper, nlp)))
    assert {True, False} <= {y for paper in labelled for y in paper.labels}
    model = fit(labelled, inner_folds=2, c=1.0)
    assert 0.0 <= model.threshold <= 1.0 and model.weights
    save(model, tmp_path / "model.json")
    loaded = LineageModel.from_json(json.loads((tmp_path / "model.json").read_text(encoding="utf-8")))
    before = [decide(p.pairs, model) for p in labelled]
    assert [decide(p.pairs, loaded) for p in labelled] == before


def test_extract_many_gives_the_same_lineage_as_extract():
    papers = [
        Paper(title="FooNet: Fast Nets", abstract="We propose FooNet, built upon ResNet-50."),
        Paper(title="On nets", abstract="We study nets."),
    ]
    many = [extraction.lineage for _, extraction in extract_many(papers)]
    assert many == [extract(paper).lineage for paper in papers]


@pytest.mark.parametrize(
    ("child", "abstract", "piece"),
    [
        (
            "Key-Value Memory Networks",
            "Memory Networks read a memory. We propose Key-Value Memory Networks for reading documents.",
            "Memory Networks",
        ),
        ("DeepACO", "Ant colony optimization (ACO) is slow. We propose DeepACO to speed ACO up.", "ACO"),
    ],
)
def test_a_child_s_name_proposes_a_parent_the_text_writes_on_its_own(child, abstract, piece):
    from .test_lineage_extraction import make

    paper, extraction = make(f"{child}: Reading", abstract, [child])
    assert piece in {pair.edge().parent for pair in lineage_pairs(paper, extraction)}


def test_a_piece_of_a_name_the_text_never_writes_alone_is_no_candidate():
    from .test_lineage_extraction import make

    paper, extraction = make("FGCNN: Feature Generation", "We propose FGCNN for click prediction.", ["FGCNN"])
    assert {pair.edge().parent for pair in lineage_pairs(paper, extraction)} == set()

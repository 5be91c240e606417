"""Word classes from raw text (``scripts/make_word_clusters.py``) and their use as resolver features."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg.extraction.resolver import Candidate, Context, word_clusters
from tests.conftest import load_script

pytest.importorskip("sklearn")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def make():
    return load_script(ROOT / "scripts" / "make_word_clusters.py")


def corpus() -> list[list[str]]:
    """Dataset names share the contexts of datasets, metric names those of metrics."""
    rng = random.Random(0)
    docs = []
    for _ in range(40):
        doc = []
        for _ in range(30):
            doc += f"we train our model on {rng.choice(['cifar', 'mnist', 'svhn'])} images".split()
            doc += f"the {rng.choice(['bleu', 'rouge', 'meteor'])} score rises sharply".split()
        docs.append(doc)
    return docs


def test_words_that_keep_the_same_company_share_a_class(make):
    classes = make.clusters(corpus(), n_clusters=4, dimensions=4, min_count=2)
    assert classes["cifar"] == classes["mnist"] == classes["svhn"]
    assert classes["bleu"] == classes["rouge"] == classes["meteor"]
    assert classes["cifar"] != classes["bleu"]
    assert make.clusters(corpus(), n_clusters=4, dimensions=4, min_count=2) == classes  # deterministic


def test_the_shipped_classes_become_features_of_a_candidate():
    classes = word_clusters()
    assert classes, "kg/extraction/models/word_clusters.json ships with the package"
    text = "Results on SQuAD\nWe report BLEU on the test set."
    context = Context(text, text.index("\n"), [(0, text.index("\n")), (text.index("\n") + 1, len(text))])
    start = text.index("BLEU")
    features = context.features(Candidate(start, start + 4, None, forms=("BLEU",), ngram=True))
    assert f"hc={classes['bleu']}" in features
    unknown = Candidate(text.index("SQuAD"), text.index("SQuAD") + 5, None, forms=("SQuAD",), ngram=True)
    assert f"hc={classes.get('squad', '?')}" in context.features(unknown)

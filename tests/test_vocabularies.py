"""Vocabularies grown from the field's libraries: the generator on small stand-in archives, and the matcher's
case rule (fold case only for names that are not ordinary words)."""

from __future__ import annotations

import ast
import gzip
import zipfile
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
import spacy
import srsly
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, SKOS

from kg.core import vocabularies
from kg.core.namespaces import KGV
from kg.core.resources import vocabulary_paths
from kg.extraction.mentions import VOCABULARY, mentions_by
from kg.extraction.vocabulary import (
    VocabularyMatcher,
    is_case_insensitive,
    load_labels,
    ordinary_words,
    sentence_case,
    spelling_variants,
)
from kg.graph.build import vocabulary_triples
from kg.graph.families import family_vocabulary
from tests.conftest import load_script

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def make():
    return load_script(ROOT / "scripts" / "make_vocabularies.py")


def wheel(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


ORDINARY = frozenset(
    {"cars", "clip", "flowers", "stanford", "wider", "face", "clinical", "trials", "accuracy"}
)


# --- the generator -------------------------------------------------------------------------------------


def test_display_form_is_the_one_the_source_writes(make):
    text = "The CIFAR-10 dataset (see www.example.org/cifar10) has 60000 images. cifar-10 is small."
    assert make.display_in("cifar10", text) == ["CIFAR-10", "cifar-10"]
    assert make.display_in("ai2_arc", "A dataset of science questions.") == []
    assert make.long_form_of("SQuAD", "Stanford Question Answering Dataset (SQuAD) is") == (
        "Stanford Question Answering Dataset"
    )


@pytest.mark.parametrize(
    ("label", "kind", "ambiguous"),
    [
        ("Cars", "dataset", True),  # a single ordinary word
        ("CS", "dataset", True),  # too short
        ("Clinical Trials", "dataset", True),  # a phrase of ordinary words
        ("WIDER FACE", "dataset", False),  # ordinary words spelt as a name
        ("BraTS", "dataset", False),
        ("Cifar10_1Config", "dataset", True),  # code, with an underscore
        ("Clinical Trials", "metric", False),  # metric names are terms
        ("parsing", "task", True),  # a one-word term
        ("WordErrorRate", "metric", True),  # a class name
        ("confusion matrix", "metric", True),  # not a measure of a result
    ],
)
def test_ambiguous_labels_are_dropped(make, label, kind, ambiguous):
    assert make.too_ambiguous(label, set(ORDINARY), kind) is ambiguous


def test_sources_are_read_from_archives_and_merged_into_hand_written_concepts(make, tmp_path):
    config = (
        "from collections import OrderedDict\n"
        "MODEL_NAMES_MAPPING = OrderedDict[str, str](\n"
        '    [("vit", "ViT"), ("clip_vision_model", "CLIPVisionModel"), ("dpt", "Dense Prediction Transformer (DPT)"),'
        ' ("bark", "Bark")]\n)\n'
    )
    transformers = make.Archive(
        wheel(tmp_path / "t.whl", {"transformers/models/auto/configuration_auto.py": config})
    )
    readme = "The BraTS benchmark (BRATS) of brain tumour images. BraTS is used for segmentation."
    tfds = make.Archive(wheel(tmp_path / "d.whl", {"tensorflow_datasets/datasets/brats/README.md": readme}))
    methods = list(make.transformers_methods(transformers))
    assert [(c.pref, c.alts) for c in methods] == [
        ("ViT", []),
        ("DPT", ["Dense Prediction Transformer"]),
        ("Bark", []),
    ]
    datasets = list(make.tfds_datasets(tfds))
    assert datasets[0].pref == "BraTS"

    vocab = tmp_path / "vocab"
    vocab.mkdir()
    (vocab / "methods.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@base <https://w3id.org/kg-ml/vocab/> .\n"
        '<method/vit> a skos:Concept ; skos:inScheme <method/> ; skos:prefLabel "Vision Transformer"@en ;'
        ' skos:altLabel "ViT"@en .\n'
    )
    for cand in [*methods, *datasets]:
        cand.source = "stand-in 1.0"
    concepts = make.merge(make.hand_written(vocab), [*methods, *datasets], set(ORDINARY) | {"bark"})
    by_pref = {c.pref: c for c in concepts}
    assert set(by_pref) == {"DPT", "BraTS"}  # ViT is known already, "Bark" is an ordinary word
    assert by_pref["DPT"].labels == {"DPT": "stand-in 1.0", "Dense Prediction Transformer": "stand-in 1.0"}

    out = tmp_path / "generated.ttl"
    out.write_text(make.turtle(concepts, "method"))
    graph = Graph().parse(out)
    dpt = KGV["method/dpt"]
    assert graph.value(dpt, SKOS.prefLabel) == Literal("DPT", lang="en")
    assert graph.value(dpt, DCTERMS.source) == Literal("stand-in 1.0")


def test_ordinary_words_are_read_from_wordfreq_bins(make, tmp_path):
    bins = [{"format": "cB", "version": 1}, ["the"], [], ["cars", "3d"], ["brats"]]
    data = gzip.compress(srsly.msgpack_dumps(bins))
    archive = make.Archive(wheel(tmp_path / "w.whl", {"wordfreq/data/large_en.msgpack.gz": data}))
    assert make.ordinary_words(archive, zipf=9 - 0.02) == ["cars", "the"]  # bins 0 to 2, words only


# --- the matcher ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "insensitive"),
    [
        ("top-1 accuracy", True),  # lower case, as ever
        ("BraTS", True),  # not an ordinary word
        ("ResNet-50", True),
        ("Cars", False),  # ordinary words match as written
        ("Stanford Cars", False),
        ("CLIP", False),
        ("SVM", False),  # too short to fold
    ],
)
def test_case_is_folded_only_for_names_that_are_not_ordinary_words(label, insensitive):
    assert is_case_insensitive(label, ORDINARY) is insensitive
    assert is_case_insensitive(label) is (label == label.lower())  # no word list: as written


def test_matcher_reads_generated_labels_and_folds_case(tmp_path):
    vocab = tmp_path / "vocab"
    (vocab / "generated").mkdir(parents=True)
    prefixes = (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@base <https://w3id.org/kg-ml/vocab/> .\n"
    )
    (vocab / "datasets.ttl").write_text(
        prefixes + '<dataset/brats> a skos:Concept ; skos:prefLabel "BraTS"@en .\n'
        '<dataset/cars> a skos:Concept ; skos:prefLabel "Cars"@en .\n'
    )
    (vocab / "generated" / "datasets.ttl").write_text(
        prefixes + '<dataset/brats> skos:altLabel "Brain Tumor Segmentation"@en .\n'
        '<dataset/wider-face> a skos:Concept ; skos:prefLabel "WIDER FACE"@en .\n'
    )
    (vocab / "generated" / "ordinary-words.txt").write_text("# test\n" + "\n".join(sorted(ORDINARY)) + "\n")
    ordinary_words.cache_clear()
    nlp = spacy.blank("en")
    matcher = VocabularyMatcher(nlp, vocab_dir=str(vocab))
    doc = matcher(nlp("BRATS and brain tumor segmentation; cars, Cars, wider face and WIDER FACE."))
    found = [(span.text, span.kb_id_.rsplit("/", 1)[1]) for span in mentions_by(doc, VOCABULARY)]
    assert found == [
        ("BRATS", "brats"),
        ("brain tumor segmentation", "brats"),
        ("Cars", "cars"),
        ("WIDER FACE", "wider-face"),
    ]
    assert matcher.lookup("BRATS").iri == str(KGV["dataset/brats"])
    assert not matcher.lookup("BRATS").generated  # hand-written, though a generated file adds a label
    assert matcher.lookup("WIDER FACE").generated
    assert matcher.lookup("cars") is None


def test_shipped_vocabularies_record_their_source():
    graph = Graph()
    for path in vocabulary_paths():
        graph.parse(path)
    concepts = {c for c in graph.subjects(SKOS.prefLabel, None) if not str(c).endswith("/")}
    missing = [c for c in concepts if graph.value(c, DCTERMS.source) is None]
    assert concepts and missing == []
    labels = load_labels(vocabulary_paths())
    assert len({label.concept.iri for label in labels}) == len(concepts)


def test_a_name_and_its_number_match_however_they_are_joined():
    assert spelling_variants("NTU-60") == ["NTU 60", "NTU60"]
    assert spelling_variants("Wav2Vec2-BERT") == []  # no number after the hyphen
    nlp = spacy.blank("en")
    matcher = VocabularyMatcher(nlp, vocab_dir=str(ROOT / "ontologies" / "vocab"))
    doc = matcher(nlp("Results on CIFAR 10 and CIFAR10."))
    assert [span.kb_id_ for span in mentions_by(doc, VOCABULARY)] == [str(KGV["dataset/cifar-10"])] * 2


@pytest.mark.parametrize(
    ("generator", "files", "expected"),
    [
        (
            "lm_eval_datasets",
            {
                "lm_eval/tasks/tse/README.md": "# Targeted Syntactic Evaluation (TSE)\n",
                "lm_eval/tasks/kobest/README.md": "# LAMBADA\n",  # a heading that is not this task's name
                "lm_eval/tasks/GaokaoBench/x.yaml": "task: gaokao\n",
            },
            [("GaokaoBench", []), ("TSE", ["Targeted Syntactic Evaluation"])],
        ),
        (
            "lmms_eval_datasets",
            {
                "lmms_eval/tasks/docvqa/_default_template_docvqa_yaml": "# DocVQA: documents\ndataset_path: x\n"
            },
            [("DocVQA", [])],
        ),
        (
            "ir_datasets_datasets",
            {
                "ir_datasets/docs/msmarco.yaml": "_:\n  pretty_name: 'MSMARCO (passage)'\n  pretty_name: 'args.me version 1.0'\n"
            },
            [("MSMARCO", [])],
        ),
        (
            "tfds_tasks",
            {
                "tensorflow_datasets/core/valid_tags.txt": "ml.task.image-classification # Relates to ...\nml.other\n"
            },
            [("image classification", [])],
        ),
        (
            "torchaudio_datasets",
            {
                "torchaudio/datasets/librispeech.py": (
                    'class LIBRISPEECH(Dataset):\n    """*LibriSpeech* :cite:`7178964` dataset.\n'
                    'class DR_VCTK(Dataset):\n    """*Device Recorded VCTK (Small subset version)* :cite:`x` dataset.\n'
                )
            },
            [("LibriSpeech", [])],
        ),
        (
            "torchvision_datasets",
            {
                "torchvision/datasets/lfw.py": (
                    'class LFWPeople(_LFW):\n    """`LFW <http://vis-www.cs.umass.edu/lfw/>`_ Dataset.\n'
                    'class GTSRB(VisionDataset):\n    """`German Traffic Sign Recognition Benchmark (GTSRB)'
                    " <https://benchmark.ini.rub.de/>`_ Dataset.\n"
                    "def helper():\n    pass\n"
                )
            },
            [("LFW", []), ("GTSRB", ["German Traffic Sign Recognition Benchmark"])],
        ),
        (
            "ogb_datasets",
            {"ogb/nodeproppred/master.csv": ",ogbn-arxiv,ogbn-mag\nnum tasks,1,1\n"},
            [("ogbn-arxiv", []), ("ogbn-mag", [])],
        ),
        (
            "torch_geometric_datasets",
            {
                "torch_geometric/datasets/planetoid.py": (
                    '    Args:\n        name (str): The name of the dataset (:obj:`"Cora"`, :obj:`"Cora_ML"`,\n'
                    '            :obj:`"PubMed"`).\n        split (str): :obj:`"Mug"`\n'
                )
            },
            [("Cora", []), ("PubMed", [])],
        ),
        (
            "torchmetrics_metrics",
            {
                "torchmetrics/image/psnr.py": (
                    'class PeakSignalNoiseRatio(Metric):\n    r"""Compute `Peak Signal-to-Noise Ratio`_ (PSNR).\n'
                    'class Other(Metric):\n    """Calculate `Compute Something`_ for you.\n'
                )
            },
            [("Peak Signal-to-Noise Ratio", ["PSNR"])],
        ),
    ],
)
def test_each_source_yields_the_names_it_writes(make, tmp_path, generator, files, expected):
    archive = make.Archive(wheel(tmp_path / "source.whl", files))
    assert [(c.pref, c.alts) for c in getattr(make, generator)(archive)] == expected


def test_a_downloaded_release_is_read_again_without_pip(make, tmp_path, monkeypatch):
    wheel(tmp_path / "ogb-1.3.6-py3-none-any.whl", {"ogb/nodeproppred/master.csv": ",ogbn-arxiv\n"})
    monkeypatch.setattr(make.subprocess, "run", lambda *a, **k: pytest.fail("pip was called"))
    archive = make.download("ogb", "1.3.6", tmp_path)
    assert archive.names == ["ogb/nodeproppred/master.csv"]


def test_a_title_case_name_of_ordinary_words_matches_in_sentence_case_but_not_starting_a_sentence(tmp_path):
    assert sentence_case("Inception Score") == "Inception score"
    assert sentence_case("ImageNet") is None and sentence_case("PASCAL VOC") is None
    vocab = tmp_path / "vocab"
    (vocab / "generated").mkdir(parents=True)
    (vocab / "datasets.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@base <https://w3id.org/kg-ml/vocab/> .\n"
        '<dataset/nq> a skos:Concept ; skos:prefLabel "Natural Questions"@en .\n'
    )
    (vocab / "generated" / "ordinary-words.txt").write_text("natural\nquestions\n")
    ordinary_words.cache_clear()
    nlp = spacy.blank("en")
    matcher = VocabularyMatcher(nlp, vocab_dir=str(vocab))
    doc = matcher(nlp("Natural questions arise. We test on Natural questions and natural questions."))
    assert [(span.start, span.text) for span in mentions_by(doc, VOCABULARY)] == [(7, "Natural questions")]


# --- one parse -----------------------------------------------------------------------------------------


def test_matcher_families_and_graph_share_one_parse_of_each_file(monkeypatch):
    real_parse = pyoxigraph.parse
    read: list[str] = []

    def counting_parse(*args, **kwargs):
        read.append(kwargs["path"])
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(pyoxigraph, "parse", counting_parse)
    monkeypatch.setattr(Graph, "parse", lambda *a, **k: pytest.fail("a vocabulary read with rdflib"))
    vocabularies.parsed.cache_clear()
    vocabularies._concepts.cache_clear()
    family_vocabulary.cache_clear()
    matcher = VocabularyMatcher(spacy.blank("en"))
    families = family_vocabulary()
    triples = list(vocabulary_triples())
    assert sorted(read) == sorted(str(path) for path in vocabulary_paths())  # each file once
    assert matcher.concepts and families.by_iri and triples


def test_generated_concepts_and_labels_are_the_matchers_not_the_families():
    everything, hand_written = vocabularies.concepts(), vocabularies.concepts(hand_written=True)
    generated = [concept for concept in everything.values() if concept.generated]
    assert generated and not any(concept.generated for concept in hand_written.values())
    matcher = VocabularyMatcher(spacy.blank("en"))
    families = family_vocabulary()
    for concept in generated:
        assert concept.iri in matcher.concepts and concept.iri not in families.by_iri
    # a generated file may add a label to a hand-written concept: the matcher knows it, the families do not
    grown = {iri: set(everything[iri].alt_labels) - set(c.alt_labels) for iri, c in hand_written.items()}
    iri, added = next((iri, added) for iri, added in grown.items() if added)
    label = min(added)
    assert matcher.lookup(label) == everything[iri]
    assert families.lookup(everything[iri].kind, label) is None
    assert label not in families.by_iri[iri].labels


def test_hand_written_concepts_have_one_preferred_label_and_at_most_one_broader():
    """The family rules follow one ``skos:broader``: a second would make the first read win."""
    counts: Counter[tuple[str, str]] = Counter()
    for path in vocabulary_paths():
        if not vocabularies.is_generated(path):
            for quad in vocabularies.parsed(path):
                if quad.predicate.value in (str(SKOS.prefLabel), str(SKOS.broader)):
                    counts[quad.subject.value, quad.predicate.value] += 1
    assert counts and max(counts.values()) == 1
    broader = [c for c in vocabularies.concepts(hand_written=True).values() if c.broader]
    assert broader and all(c.broader in vocabularies.concepts(hand_written=True) for c in broader)


def test_the_vocabulary_module_imports_nothing_above_the_ground_floor():
    tree = ast.parse(Path(vocabularies.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    own = {name for name in imported if name == "kg" or name.startswith("kg.")}
    assert own and all(name.startswith("kg.core.") for name in own)

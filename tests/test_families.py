"""One identity for one thing: versions linked to their family in the graph, found by the family's name.

A small corpus built through kg's own graph code, with the shipped vocabularies: papers on ImageNet,
ImageNet-1K and ILSVRC-2012 (one family), on CIFAR-10 (no family), and the GPT and LLaMA series.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.cli.lineage import lineage as lineage_command
from kg.cli.query import query as query_command
from kg.core.errors import QueryError
from kg.core.namespaces import KG, KGR
from kg.graph import build_graph
from kg.graph.families import family_chain, version_marks
from kg.read.lineage_trees import Lineage, UnknownMethodError, render_tree
from kg.read.lookup import resolve
from kg.read.query import read_query, run_query
from kg.read.validate import validate
from kg.store import Store
from kg.store.sparql import bind_params
from tests.store_fixture import _paper

CORPUS = [
    _paper("On ImageNet", "2401.00001", "2024-01", "We test on ImageNet.", datasets=["ImageNet"]),
    _paper(
        "On the 1K classes", "2401.00002", "2024-02", "We train on ImageNet-1K.", datasets=["ImageNet-1K"]
    ),
    _paper(
        "On the 2012 challenge", "2401.00003", "2024-03", "Results on ILSVRC-2012.", datasets=["ILSVRC-2012"]
    ),
    _paper("On small images", "2401.00004", "2024-04", "We test on CIFAR-10.", datasets=["CIFAR-10"]),
    _paper(
        "Chatting with llamas",
        "2401.00005",
        "2024-05",
        "Vicuna is based on LLaMA-2. We compare with GPT-4, LLaMA and LLaVA-1.5-7B.",
        methods=["Vicuna", "LLaMA-2", "GPT-4", "LLaMA", "LLaVA-1.5-7B"],
        proposed=["Vicuna"],
        lineage=[("Vicuna", "LLaMA-2", "based_on")],
    ),
    _paper(
        "A new benchmark",
        "2401.00006",
        "2024-06",
        "We release the FooBench dataset and evaluate ResNet-50 on it.",
        methods=["ResNet-50"],
        datasets=["FooBench"],
    ),
]
CORPUS.append(
    _paper(
        "EAGLE-2",
        "2401.00007",
        "2024-07",
        "EAGLE-2 extends EAGLE.",
        methods=["EAGLE-2", "EAGLE"],
        lineage=[("EAGLE-2", "EAGLE", "extends")],
    )
)
CORPUS[5][1].proposed.append(CORPUS[5][1].datasets[0])  # a paper proposing a dataset


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph(CORPUS)


@pytest.fixture(scope="module")
def store_dir(graph, tmp_path_factory):
    path = tmp_path_factory.mktemp("families") / "store"
    with Store(path) as store:
        store.add(graph)
    return path


# -- where families come from -------------------------------------------------------------------------------


def chain(kind: str, name: str) -> list[tuple[str, str]]:
    return [(member, family.name) for member, family in family_chain(kind, name)]


def test_families_from_the_vocabulary_and_from_names():
    assert chain("dataset", "ImageNet-1K") == [("ImageNet-1K", "ImageNet")]  # a skos:broader concept
    # a label of ImageNet-1K's concept with other version marks: a version of it
    assert chain("dataset", "ILSVRC-2012") == [("ILSVRC-2012", "ImageNet-1K"), ("ImageNet-1K", "ImageNet")]
    assert chain("method", "GPT-3.5") == [("GPT-3.5", "GPT-3"), ("GPT-3", "GPT")]
    # by name, one marker at a time, with family nodes the vocabulary does not have
    assert chain("method", "LLaVA-1.5-7B") == [("LLaVA-1.5-7B", "LLaVA-1.5"), ("LLaVA-1.5", "LLaVA")]
    assert chain("method", "LLaMA2-Chat") == [("LLaMA2-Chat", "LLaMA-2"), ("LLaMA-2", "LLaMA")]


def test_no_family_where_the_number_is_part_of_the_name():
    assert chain("dataset", "CIFAR-10") == []  # dataset families come from the vocabulary only
    assert chain("dataset", "PTB-XL") == []  # a concept of its own, no broader: not the Penn Treebank's
    assert chain("method", "CodeT5") == [] and chain("method", "Zero-1-to-3") == []
    assert chain("method", "ImageNet") == chain("dataset", "ImageNet") == []
    assert version_marks("Seq2Seq") == version_marks("sequence-to-sequence") == ""
    assert version_marks("ImageNet-1k") == version_marks("ImageNet-1K") != version_marks("ImageNet-2012")


# -- in the graph -------------------------------------------------------------------------------------------


def test_graph_links_members_to_their_family(graph):
    imagenet, one_k, ilsvrc = KGR["dataset/imagenet"], KGR["dataset/imagenet-1k"], KGR["dataset/ilsvrc-2012"]
    assert (one_k, SKOS.broader, imagenet) in graph and (one_k, KG.versionOf, imagenet) in graph
    assert (ilsvrc, KG.versionOf, one_k) in graph
    gpt4, gpt = KGR["method/gpt-4"], KGR["method/gpt"]
    for predicate in (SKOS.broader, KG.variantOf, KG.lineage):
        assert (gpt4, predicate, gpt) in graph
    # a family node no paper names is made, typed and labelled
    assert (gpt, RDF.type, KG.Method) in graph and (gpt, SKOS.prefLabel, Literal("GPT")) in graph
    assert (KGR["method/llava-1-5"], KG.variantOf, KGR["method/llava"]) in graph
    assert not list(graph.objects(KGR["dataset/cifar-10"], SKOS.broader))


def test_sample_graph_conforms_to_the_shapes(graph):
    conforms, report = validate(graph)
    assert conforms, report
    # a paper proposing a dataset is legal
    assert (URIRef(str(KGR["paper/2401.00006"])), KG.proposes, KGR["dataset/foobench"]) in graph


# -- a query for the family finds the members ---------------------------------------------------------------


def titles(store_dir, query: str, **params) -> list[str]:
    result = run_query(read_query(file=query), params, store_dir=store_dir)
    index = result.variables.index("title")
    return [str(row[index]) for row in result.rows]


def test_papers_using_a_dataset_family(store_dir):
    family = titles(store_dir, "papers-using-dataset", dataset="ImageNet")
    assert sorted(family) == ["On ImageNet", "On the 1K classes", "On the 2012 challenge"]
    for spelling in (
        "imagenet",
        "IMAGENET",
        "ILSVRC",
        "dataset:imagenet",
        "<" + str(KGR["dataset/imagenet"]) + ">",
    ):
        assert titles(store_dir, "papers-using-dataset", dataset=spelling) == family, spelling
    assert titles(store_dir, "papers-using-dataset", dataset="imagenet-1k") == [
        "On the 2012 challenge",
        "On the 1K classes",
    ]
    assert titles(store_dir, "papers-using-dataset", dataset="cifar-10") == ["On small images"]


def test_an_unknown_name_says_what_is_close(store_dir):
    with pytest.raises(QueryError, match=r"no dataset called 'imagnet' in the graph; did you mean: ImageNet"):
        titles(store_dir, "papers-using-dataset", dataset="imagnet")
    # a method's name is no dataset's
    with pytest.raises(QueryError, match="no dataset called 'Vicuna'"):
        titles(store_dir, "papers-using-dataset", dataset="Vicuna")


def test_cli_param_resolves_names(store_dir):
    args = ["--file", "papers-using-dataset", "--store", str(store_dir), "--format", "csv"]
    lower = CliRunner().invoke(query_command, [*args, "--param", "dataset=imagenet"])
    exact = CliRunner().invoke(query_command, [*args, "--param", "dataset=ImageNet"])
    assert lower.exit_code == 0 and lower.output == exact.output and len(lower.output.splitlines()) == 4
    unknown = CliRunner().invoke(query_command, [*args, "--param", "dataset=imagnet"])
    assert unknown.exit_code != 0 and "did you mean: ImageNet" in unknown.output
    assert "Traceback" not in unknown.output


def test_method_ancestors_follow_the_family(store_dir):
    result = run_query(read_query(file="method-ancestors"), {"method": "vicuna"}, store_dir=store_dir)
    ancestors = {str(row[result.variables.index("ancestor_name")]) for row in result.rows}
    assert ancestors == {"LLaMA-2", "LLaMA"}
    # a link a paper states is not repeated as a family link
    result = run_query(read_query(file="method-ancestors"), {"method": "EAGLE-2"}, store_dir=store_dir)
    assert [(str(row[2]), row[4] is not None) for row in result.rows] == [("extends", True)]


# -- the lookup ---------------------------------------------------------------------------------------------


def test_resolve_in_any_case_by_any_alias_and_only_in_the_kinds_asked(graph, store_dir):
    with Store(store_dir, read_only=True) as store:
        for source in (graph, store):
            assert resolve(source, "imagenet", ["dataset"]) == [str(KGR["dataset/imagenet"])]
            assert resolve(source, "ILSVRC", ["dataset"]) == [
                str(KGR["dataset/imagenet"])
            ]  # concept's altLabel
            assert resolve(source, "llama 2", ["method"]) == [str(KGR["method/llama-2"])]  # key and alias
            assert resolve(source, "method:gpt-4", ["method"]) == [str(KGR["method/gpt-4"])]
            assert resolve(source, "GPT-4", ["dataset"]) == []
            assert resolve(source, "nothing like it", ["method", "dataset"]) == []


def test_a_name_of_several_nodes_binds_them_all():
    query = "SELECT ?x WHERE { ?x ?p ?o }"
    bound = bind_params(query, {"x": [KGR["a"], KGR["b"]]})
    assert f"VALUES (?x) {{ (<{KGR['a']}>) (<{KGR['b']}>) }}" in bound


# -- lineage trees as deep as the graph ---------------------------------------------------------------------


def test_descendants_go_through_the_family(graph):
    lineage = Lineage.load(graph)
    tree = lineage.descendants(lineage.resolve("llama"))
    (llama2,) = tree.branches
    assert llama2.method.label == "LLaMA-2" and llama2.link.family
    assert [branch.method.label for branch in llama2.branches] == ["Vicuna"]
    assert llama2.branches[0].link.papers[0].title == "Chatting with llamas"
    text = render_tree(tree, "descendants")
    assert "LLaMA-2  [variant of it]  · family link" in text and "Vicuna  [based on it]  · Chatting" in text
    gpt = lineage.descendants(lineage.resolve("GPT"))
    assert [branch.method.label for branch in gpt.branches] == ["GPT-4"]
    with pytest.raises(UnknownMethodError, match="did you mean"):
        lineage.resolve("LLaMMA")


def test_a_stated_link_is_not_repeated_as_a_family_link():
    stated = _paper(
        "EAGLE-2",
        "2401.00010",
        "2024-06",
        "EAGLE-2 extends EAGLE.",
        methods=["EAGLE-2", "EAGLE"],
        lineage=[("EAGLE-2", "EAGLE", "extends")],
    )
    lineage = Lineage.load(build_graph([stated], with_vocabularies=False))
    tree = lineage.descendants(lineage.resolve("EAGLE"))
    assert [(b.method.label, b.link.relation, b.link.family) for b in tree.branches] == [
        ("EAGLE-2", "extends", False)
    ]


def test_cli_lineage_json_and_html_are_deep(store_dir, tmp_path):
    page = tmp_path / "llama.html"
    result = CliRunner().invoke(
        lineage_command,
        ["LLAMA", "--descendants", "--format", "json", "--html", str(page), "--store", str(store_dir)],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (llama2,) = doc["descendants"]
    assert llama2["method"] == "LLaMA-2" and llama2["family_link"] is True
    assert [child["method"] for child in llama2["descendants"]] == ["Vicuna"]
    html = page.read_text(encoding="utf-8")
    assert "Vicuna" in html and "LLaMA-2" in html


def test_viz_focus_takes_any_case_and_alias(store_dir, tmp_path):
    from kg.cli.viz import viz as viz_command
    from tests.test_viz import page_data

    page = tmp_path / "focus.html"
    args = ["--store", str(store_dir), "--depth", "1", "-o", str(page), "--focus"]
    result = CliRunner().invoke(viz_command, [*args, "ilsvrc"])
    assert result.exit_code == 0, result.output
    nodes = page_data(page.read_text(encoding="utf-8"))["nodes"]
    assert [node["id"] for node in nodes if node.get("focus")] == [str(KGR["dataset/imagenet"])]
    # the family's versions are its neighbours in the view
    assert {str(KGR["dataset/imagenet-1k"]), str(KGR["paper/2401.00001"])} <= {node["id"] for node in nodes}
    unknown = CliRunner().invoke(viz_command, [*args, "imagnet"])
    assert unknown.exit_code == 1 and "did you mean: ImageNet" in unknown.output

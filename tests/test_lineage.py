"""Exploring lineage over a built graph: lookup, walks both ways, renderings, the CLI, both backends."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli.lineage import lineage as lineage_command
from kg.cli.lineage import methods as methods_command
from kg.core.namespaces import KGR
from kg.read.lineage_trees import (
    Lineage,
    UnknownMethodError,
    ancestors_by_path,
    render_dot,
    render_tree,
    to_networkx,
    trees_json,
)
from kg.store import Store
from tests.lineage_fixtures import lineage_graph


@pytest.fixture(scope="module")
def graph():
    return lineage_graph()


@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def source(request, graph):
    if request.param == "rdflib":
        return graph
    store = Store(None)
    store.add(graph)
    return store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, graph):
    path = tmp_path_factory.mktemp("lineage") / "store"
    with Store(path) as store:
        store.add(graph)
    return path


def labels(tree) -> list[str]:
    return [node.method.label for node in tree.walk()][1:]


@pytest.mark.parametrize("name", ["BERT", "bert", "Bert", " BERT ", "BERTs", str(KGR["method/bert"])])
def test_lookup_is_case_insensitive_and_follows_method_keys(source, name):
    assert Lineage.load(source).resolve(name).label == "BERT"


def test_unknown_names_suggest_the_closest(source):
    with pytest.raises(UnknownMethodError) as error:
        Lineage.load(source).resolve("EGLE-3")
    assert error.value.suggestions[0] == "EAGLE-3"
    assert "did you mean" in str(error.value) and error.value.exit_code == 1


def test_descendants_of_bert_are_its_variants_with_their_papers(source):
    graph = Lineage.load(source)
    tree = graph.descendants(graph.resolve("BERT"))
    # in order of publication; NoteBERT's parent is BERT spelt out, a node merged into BERT's
    assert labels(tree) == ["BERTurk", "AD-BERT", "NoteBERT"]
    assert {b.link.relation for b in tree.branches} == {"variant_of"}
    assert [b.link.papers[0].date for b in tree.branches] == ["2020-05-01", "2022-03-01", "2023-05-01"]
    assert "Bidirectional Encoder Representations from Transformers" in graph.resolve("BERT").alt_labels


def test_ancestors_walk_the_whole_chain_and_stop_at_depth(source):
    graph = Lineage.load(source)
    eagle3 = graph.resolve("EAGLE 3")
    full = graph.ancestors(eagle3)
    assert sorted(labels(full)) == ["EAGLE", "EAGLE", "EAGLE-2"]  # EAGLE directly and through EAGLE-2
    assert sorted(labels(graph.ancestors(eagle3, depth=1))) == ["EAGLE", "EAGLE-2"]
    assert labels(graph.ancestors(graph.resolve("Transformer"))) == []
    assert sorted(labels(graph.descendants(graph.resolve("Transformer"), depth=2))) == [
        "AD-BERT",
        "BERT",
        "BERTurk",
        "NoteBERT",
    ]


def test_cycles_are_marked_not_followed(source):
    graph = Lineage.load(source)
    tree = graph.ancestors(graph.resolve("Ouro-A"))
    nodes = list(tree.walk())
    assert [n.method.label for n in nodes] == ["Ouro-A", "Ouro-B", "Ouro-A"]
    assert nodes[-1].cycle and not nodes[-1].branches


def test_sparql_property_path_agrees_with_the_walk(source):
    graph = Lineage.load(source)
    for name in ("EAGLE-3", "AD-BERT", "Transformer", "Ouro-A"):
        method = graph.resolve(name)
        walked = {n.method.iri for n in graph.ancestors(method).walk()} - {method.iri}
        by_path = set(ancestors_by_path(source, method)) - {method.iri}
        assert by_path == walked


def test_renderings(source):
    graph = Lineage.load(source)
    bert = graph.resolve("bert")
    tree = graph.descendants(bert)
    text = render_tree(tree, "descendants")
    assert text.splitlines()[0].startswith("BERT")
    assert "BERTurk: a Turkish BERT (2020-05-01)" in text and "BERTurk  [variant of it]" in text
    data = json.loads(trees_json({"descendants": tree}))
    assert [d["method"] for d in data["descendants"]] == ["BERTurk", "AD-BERT", "NoteBERT"]
    assert data["descendants"][1]["papers"][0]["title"].startswith("AD-BERT: <b>")
    dot = render_dot([tree])
    assert dot.startswith("digraph") and dot.count("->") == 3 and 'label="variant_of"' in dot
    view = to_networkx([tree])
    assert {d["kind"] for _, d in view.nodes(data=True)} == {"method", "paper"}
    assert sorted(r for _, _, r in view.edges(data="relation")) == [
        "proposes",
        "proposes",
        "proposes",
        "variantOf",
        "variantOf",
        "variantOf",
    ]


def test_methods_rank_by_papers_with_families(source):
    graph = Lineage.load(source)
    ranked = graph.ranked(3)
    assert [m.label for m in ranked] == ["BERT", "EAGLE", "EAGLE-2"]
    assert [m.papers for m in ranked] == [5, 3, 2]  # BERT spelt out counts for BERT
    assert sorted(m.label for m in graph.families()["EAGLE"]) == ["EAGLE", "EAGLE-2", "EAGLE-3"]


def test_cli_lineage_tree_and_lookup(store_dir):
    runner = CliRunner()
    result = runner.invoke(
        lineage_command, ["bert", "--descendants", "--store", str(store_dir)], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert "BERTurk" in result.output and "AD-BERT" in result.output and "ancestors" not in result.output
    result = runner.invoke(
        lineage_command,
        ["EAGLE-3", "--ancestors", "--depth", "1", "--store", str(store_dir)],
        catch_exceptions=False,
    )
    assert (
        result.exit_code == 0 and "extends EAGLE " in result.output and "improves on EAGLE-2" in result.output
    )
    both = runner.invoke(lineage_command, ["EAGLE-2", "--store", str(store_dir)], catch_exceptions=False)
    assert "ancestors:" in both.output and "descendants:" in both.output and "EAGLE-3" in both.output


def test_cli_unknown_method_exits_1_with_suggestions(store_dir):
    result = CliRunner().invoke(lineage_command, ["Longformr", "--store", str(store_dir)])
    assert result.exit_code == 1
    assert "no method called 'Longformr'" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(lineage_command, ["BERTurks", "--store", str(store_dir)])
    assert result.exit_code == 0  # the plural is the same method


def test_cli_missing_store_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(lineage_command, ["BERT", "--store", str(tmp_path / "nowhere")])
    assert result.exit_code == 3 and "kg build" in result.output


def test_cli_json_dot_and_html(store_dir, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        lineage_command, ["BERT", "--format", "json", "--store", str(store_dir)], catch_exceptions=False
    )
    data = json.loads(result.output)
    assert data["ancestors"][0]["method"] == "Transformer"
    assert [d["method"] for d in data["descendants"]] == ["BERTurk", "AD-BERT", "NoteBERT"]
    dot = runner.invoke(
        lineage_command,
        ["BERT", "--format", "dot", "--descendants", "--store", str(store_dir)],
        catch_exceptions=False,
    ).output
    assert dot.startswith("digraph lineage {") and dot.rstrip().endswith("}")
    page = tmp_path / "bert.html"
    result = runner.invoke(
        lineage_command,
        ["BERT", "--descendants", "--html", str(page), "--store", str(store_dir)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "BERTurk" in html and "<b>clinical</b>" not in html  # the paper title travels escaped


def test_cli_methods_table_and_json(store_dir):
    runner = CliRunner()
    table = runner.invoke(methods_command, ["--top", "2", "--store", str(store_dir)], catch_exceptions=False)
    lines = table.output.splitlines()
    assert lines[0].split() == ["papers", "method", "family", "parents", "children"]
    assert lines[1].split() == ["5", "BERT", "BERT", "1", "3"] and len(lines) == 3
    rows = json.loads(runner.invoke(methods_command, ["--format", "json", "--store", str(store_dir)]).output)
    assert {r["method"]: r["family"] for r in rows}["EAGLE-3"] == "EAGLE"

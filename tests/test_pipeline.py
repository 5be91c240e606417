"""The end-to-end build on the bundled sample: what a new user gets from `kg build`."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from kg.builder import build
from kg.core.errors import InputError
from kg.core.io import atomic_writer
from kg.core.resources import sample_paths
from kg.sources import read_papers
from kg.store import Store

from .conftest import ROOT

REPO_URL = re.compile(r"(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org)/[\w.-]+/[\w.-]+")


def count(store_dir: Path, sparql: str) -> int:
    with Store(store_dir, read_only=True) as store:
        return int(store.query(sparql).rows[0][0])


def test_sample_has_one_article_per_distinct_paper_with_title_and_abstract(sample_build):
    out, summary = sample_build
    papers, _ = read_papers(sample_paths())
    assert summary.counts["papers"] == len(papers) == 215
    assert count(out / "store", "SELECT (COUNT(?p) AS ?n) WHERE { ?p a schema:ScholarlyArticle }") == 215
    missing = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a schema:ScholarlyArticle FILTER NOT EXISTS { ?p schema:name ?t ; schema:abstract ?a } }"
    assert count(out / "store", missing) == 0


def test_papers_with_code_are_the_papers_whose_text_links_a_repository(sample_build):
    out, _ = sample_build
    papers, _ = read_papers(sample_paths())
    linking = sum(1 for paper in papers if REPO_URL.search(paper.text))
    assert linking > 30
    query = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a schema:ScholarlyArticle ; kg:hasRepository ?r }"
    assert count(out / "store", query) == linking


def test_committed_outputs_are_what_build_produces_today(sample_build):
    out, _ = sample_build
    for name in ("graph.ttl", "graph.html"):
        committed = ROOT / "outputs" / name
        assert committed.read_bytes() == (out / name).read_bytes(), f"outputs/{name} is stale: run `kg build`"


def test_same_input_twice_leaves_the_same_graph(sample_build, tmp_path):
    out, summary = sample_build
    shutil.copytree(out / "store", tmp_path / "store")
    again = build(None, tmp_path)
    assert again.triples == summary.triples
    assert (tmp_path / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()


def test_fresh_rebuild_drops_what_other_inputs_added(tmp_path):
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        '{"id": "x1", "title": "A paper not in the sample", "abstract": "We study things."}\n'
        '{"id": "x2", "title": "Another new paper", "abstract": "We propose FooNet."}\n'
    )
    first = build([extra], tmp_path, html=False)
    assert first.counts["papers"] == 2
    combined = build(None, tmp_path, html=False)
    assert combined.counts["papers"] == first.counts["papers"] + 215
    fresh = build(None, tmp_path, fresh=True, html=False)
    assert fresh.counts["papers"] == 215


def test_no_readable_paper_is_an_input_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(InputError, match="empty.jsonl"):
        build([empty, tmp_path / "missing.txt"], tmp_path / "out")


def test_an_interrupted_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half of the new")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_a_large_graph_page_shows_its_best_connected_nodes(tmp_path, monkeypatch):
    import kg.builder

    from .test_viz import page_data

    full = build(None, tmp_path / "full")
    monkeypatch.setattr(kg.builder, "HTML_NODE_LIMIT", 40)
    small = build(None, tmp_path / "small")
    drawn = page_data((tmp_path / "small" / "graph.html").read_text())
    assert full.triples == small.triples
    assert 0 < len(drawn["nodes"]) <= 40
    assert len(page_data((tmp_path / "full" / "graph.html").read_text())["nodes"]) > 40


def test_a_large_fresh_build_writes_its_turtle_from_the_build_itself(tmp_path, monkeypatch):
    """Past CANONICAL_ORDER_LIMIT triples the Turtle is transcoded from the build's spool, beside the load:
    same graph as the store, and no spool left behind (nor one a killed build left)."""
    import kg.builder

    monkeypatch.setattr(kg.builder, "CANONICAL_ORDER_LIMIT", 1_000)
    (tmp_path / (kg.builder.Spool.prefix(tmp_path / "store") + "killed.nq")).write_text(
        "left by a killed build"
    )
    summary = build(None, tmp_path, html=False, workers=2)
    with Store(None) as written, Store(tmp_path / "store", read_only=True) as store:
        written.load_file(tmp_path / "graph.ttl")
        assert written.ntriples_lines() == store.ntriples_lines()  # exactly the same terms
        assert len(written) <= summary.triples <= len(written) * 1.05  # lineage stated twice: counted twice
        assert len(written) > 1_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "store"]
    assert set(summary.stages) >= {"read", "extract", "graph", "store", "turtle"}


# -- identities and lineage on the sample (issue: one identity for one thing) ----------------------------


def test_the_imagenet_family_query_finds_every_imagenet_version(sample_build):
    from kg.read.query import read_query, run_query

    out, _ = sample_build
    versions = ("imagenet", "imagenet-1k", "imagenet-2012")  # the sample's three spellings of ImageNet
    values = " ".join(f"dataset:{version}" for version in versions)
    on_any = f"SELECT DISTINCT ?p WHERE {{ VALUES ?d {{ {values} }} ?p kg:evaluatedOn ?d }}"
    with Store(out / "store", read_only=True) as store:
        expected = {str(row[0]) for row in store.query(on_any).rows}
    assert len(expected) > 5

    def papers(name: str) -> list[str]:
        result = run_query(
            read_query(file="papers-using-dataset"), {"dataset": name}, store_dir=out / "store"
        )
        return [str(row[0]) for row in result.rows]

    assert set(papers("ImageNet")) == expected
    assert papers("imagenet") == papers("ImageNet") == papers("ILSVRC")


def test_families_are_descendants_on_the_sample(sample_build):
    from kg.read.lineage_trees import Lineage

    out, _ = sample_build
    with Store(out / "store", read_only=True) as store:
        lineage = Lineage.load(store)
        gpt, resnet, llama = (lineage.resolve(name) for name in ("GPT", "resnet", "LLaMA"))
    below = {
        name: {node.method.label for node in lineage.descendants(method).walk()}
        for name, method in (("GPT", gpt), ("ResNet", resnet), ("LLaMA", llama))
    }
    assert "GPT-4" in below["GPT"] and "ResNet-50" in below["ResNet"]
    assert {"LLaMA-2", "LLaMA2-Chat"} <= below["LLaMA"]  # two levels deep


def test_readme_lineage_examples_are_what_the_command_prints(sample_build):
    from click.testing import CliRunner

    from kg.cli.lineage import lineage

    out, _ = sample_build
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"^\$ kg lineage (.+)\n((?:(?!\$ |```).*\n)+)", readme, re.MULTILINE)
    assert len(examples) >= 3
    for command, printed in examples:
        result = CliRunner().invoke(lineage, [*shlex.split(command), "--store", str(out / "store")])
        assert result.exit_code == 0, result.output
        assert result.output == printed, f"README's `kg lineage {command}` is stale"


def test_the_sample_graph_conforms_to_the_shapes(sample_build):
    from kg.read.validate import validate

    out, _ = sample_build
    conforms, report = validate(out / "graph.ttl")
    assert conforms, report


def test_a_fresh_build_writes_what_its_store_gives(sample_build, tmp_path):
    """A fresh build writes graph.ttl and graph.html's triples from its spool, beside the bulk load: the
    same bytes as written from the store it built (what an incremental build writes)."""
    from kg.builder import write_page

    out, _ = sample_build
    with Store(out / "store", read_only=True) as store:
        with open(tmp_path / "graph.ttl", "wb") as handle:
            store.write(handle, "turtle")
        write_page(store, tmp_path / "graph.html")
    assert (tmp_path / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    assert (tmp_path / "graph.html").read_bytes() == (out / "graph.html").read_bytes()

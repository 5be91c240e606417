"""The kg serve site in process (Starlette's TestClient): every page type, JSON, search, leaderboards,
lineage trees, mention highlighting, escaping of hostile text, and the /query endpoint's protocol."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS
from starlette.testclient import TestClient

from kg.core.namespaces import KG, KGR
from kg.graph import build_graph
from kg.site.app import create_app, negotiate
from kg.site.search import fts_query, index_path
from kg.store import Store
from tests.lineage_fixtures import lineage_pairs
from tests.store_fixture import _paper, fixture_pairs

HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
RESULT_KIND = URIRef(str(KG) + "resultKind")
KIND_TERMS = {kind: URIRef(str(KG) + f"{kind}Result") for kind in ("Score", "Change", "Ratio")}


def site_pairs():
    """The store fixture (ResNet family on ImageNet, BERT), the lineage fixture (EAGLE series, BERT
    variants), a paper with a score on an ImageNet version and a change result, and a hostile paper."""
    vision = _paper(
        "Bigger Vision Models",
        "2402.00001",
        "2024-02",
        "BigViT reaches 88.5% top-1 accuracy on ImageNet-1k, +1.5% over SENet on ImageNet.",
        methods=["BigViT", "SENet"],
        datasets=["ImageNet-1k", "ImageNet"],
        metrics=["top-1 accuracy"],
        proposed=["BigViT"],
        results=[
            ("top-1 accuracy", "88.5%", "ImageNet-1k", "BigViT"),
            ("top-1 accuracy", "+1.5%", "ImageNet", "BigViT", "change"),
        ],
    )
    errors = _paper(
        "Robust Nets",
        "2402.00002",
        "2024-02",
        "RobustNet has 3.1% error rate on CIFAR-10 and TinyNet has 2.4% error rate on CIFAR-10.",
        methods=["RobustNet", "TinyNet"],
        datasets=["CIFAR-10"],
        metrics=["error rate"],
        proposed=["RobustNet"],
        results=[
            ("error rate", "3.1%", "CIFAR-10", "RobustNet"),
            ("error rate", "2.4%", "CIFAR-10", "TinyNet"),
        ],
    )
    hostile = _paper(
        HOSTILE,
        "2403.00001",
        "2024-03",
        f"We propose EvilNet {HOSTILE} and test it on ImageNet.",
        methods=["EvilNet"],
        datasets=["ImageNet"],
        proposed=["EvilNet"],
    )
    return [*fixture_pairs(), *lineage_pairs(), vision, errors, hostile]


def site_graph():
    graph = build_graph(site_pairs(), with_vocabularies=False)
    # a dataset family the vocabulary would give (the fixture is built without vocabularies)
    graph.add((KGR["dataset/imagenet-1k"], SKOS.broader, KGR["dataset/imagenet"]))
    return graph


def make_store(path: Path) -> Path:
    with Store(path) as store:
        store.add(site_graph())
    return path


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("site") / "store")


@pytest.fixture(scope="module")
def client(store_dir):
    with TestClient(create_app(store_dir, workers=2, timeout=5)) as test_client:
        yield test_client


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_shows_counts_top_entities_latest_papers_and_a_search_box(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<input id="home-search" type="search" name="q"' in html
    data = client.get("/?format=json").json()
    assert data["counts"]["papers"] == len(site_pairs())
    assert data["top"]["dataset"][0]["label"] == "ImageNet"  # named by five papers
    assert [paper["date"] for paper in data["latest"]][:2] == ["2025-03-03", "2024-06-24"]
    assert "ImageNet" in page_text(html) and "EAGLE-3: Scaling up Inference Acceleration" in page_text(html)


def test_search_ranks_names_and_finds_abstract_words(client, store_dir):
    hits = client.get("/search", params={"q": "EAGLE", "format": "json"}).json()["hits"]
    assert hits[0]["title"] == "EAGLE" and hits[0]["kind"] == "method"  # the exact name first
    titles = [hit["title"] for hit in hits]
    assert "EAGLE-3" in titles and "EAGLE-3: Scaling up Inference Acceleration" in titles
    words = client.get("/search", params={"q": "squeeze excit", "format": "json"}).json()["hits"]
    assert [hit["title"] for hit in words] == ["Squeeze-and-Excitation Networks"]
    assert client.get("/search", params={"q": 'AND OR NEAR("', "format": "json"}).status_code == 200
    assert index_path(store_dir).is_file()  # built beside the store


def test_search_snippet_marks_hits_and_escapes_the_rest(client):
    html = client.get("/search", params={"q": "EvilNet"}).text
    assert "<mark>EvilNet</mark>" in html
    assert "<script>window.pwned" not in html and "&lt;script&gt;window.pwned" in html


def test_fts_query_quotes_every_word():
    assert fts_query('EAGLE-3 "x" OR title:y') == '"EAGLE" "3" "x" "OR" "title" "y"*'
    assert fts_query("  ") == ""


def test_paper_page_highlights_mentions_with_links_evidence_and_confidence(client):
    html = client.get("/paper/1611.05431").text
    assert "Aggregated Residual Transformations" in html
    assert 'href="https://arxiv.org/abs/1611.05431"' in html
    assert 'href="https://github.com/facebookresearch/ResNeXt"' in html
    mention = re.search(
        r'<a class="mention kind-dataset" href="/dataset/cifar-10" title="([^"]+)">CIFAR-10</a>', html
    )
    assert (
        mention
        and "confidence 0.90" in mention.group(1)
        and "evidence: ResNeXt extends ResNet" in mention.group(1)
    )
    assert 'class="mention kind-method" href="/method/resnet"' in html
    data = client.get("/paper/1611.05431.json").json()
    spans = "".join(span["text"] for span in data["abstract_spans"])
    assert spans == data["abstract"]  # highlighting keeps the text exactly
    cifar = next(m for m in data["mentions"] if m["surface"] == "CIFAR-10")
    assert data["abstract"][cifar["start"] : cifar["end"]] == "CIFAR-10"
    assert cifar["sentence"] and cifar["confidence"] == pytest.approx(0.9)
    assert data["lineage"][0]["relation"] == "extends"


def test_hostile_paper_stays_text(client):
    html = client.get("/paper/2403.00001").text
    assert "<script>window.pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "script-src 'self'" in client.get("/paper/2403.00001").headers["content-security-policy"]


def test_method_page_shows_lineage_with_the_papers_stating_it(client):
    data = client.get("/method/eagle-3", params={"format": "json"}).json()
    parents = {branch["method"]["label"]: branch for branch in data["ancestors"]["branches"]}
    assert set(parents) == {"EAGLE", "EAGLE-2"}
    assert parents["EAGLE"]["relation"] == "extends"
    assert parents["EAGLE"]["papers"][0]["title"] == "EAGLE-3: Scaling up Inference Acceleration"
    assert [b["method"]["label"] for b in parents["EAGLE-2"]["branches"]] == [
        "EAGLE"
    ]  # EAGLE-2 extends EAGLE
    assert data["proposed_in"][0]["title"].startswith("EAGLE-3")
    html = client.get("/method/eagle-3").text
    assert '<section id="ancestors">' in html and 'href="/method/eagle"' in html
    eagle = client.get("/method/eagle", params={"format": "json"}).json()
    assert {b["method"]["label"] for b in eagle["descendants"]["branches"]} == {"EAGLE-2", "EAGLE-3"}


def test_method_page_lists_results_datasets_and_metrics(client):
    data = client.get("/method/resnext.json").json()
    assert sorted(r["value"] for r in data["results"]) == ["4.8%", "80.9%"]  # its score and its change
    assert {d["label"] for d in data["datasets"]} >= {"ImageNet", "CIFAR-10"}
    assert [m["label"] for m in data["metrics"]] == ["top-1 accuracy"]


def test_dataset_leaderboard_has_only_scores_sorted_with_versions(client):
    data = client.get("/dataset/imagenet", params={"format": "json"}).json()
    (board,) = data["leaderboards"]
    assert board["metric"]["label"] == "top-1 accuracy" and not board["lower_is_better"]
    assert [r["value"] for r in board["rows"]] == ["88.5%", "82.7%", "80.9%", "76.1%"]  # no "+1.5%" change
    assert board["rows"][0]["version"]["label"] == "ImageNet-1k"
    assert board["rows"][1]["method"]["label"] == "SENet"
    assert board["rows"][1]["paper"]["title"] == "Squeeze-and-Excitation Networks"
    assert "82.7%" in board["rows"][1]["sentence"]
    assert [v["label"] for v in data["narrower"]] == ["ImageNet-1k"]
    assert data["paper_count"] == 5
    html = client.get("/dataset/imagenet").text
    assert '<table class="leaderboard-table">' in html and "higher is better" in html


def test_leaderboard_of_an_error_metric_is_lowest_first(client):
    (board,) = client.get("/dataset/cifar-10.json").json()["leaderboards"]
    assert board["lower_is_better"] and [r["value"] for r in board["rows"]] == ["2.4%", "3.1%"]
    assert [r["method"]["label"] for r in board["rows"]] == ["TinyNet", "RobustNet"]


def test_task_metric_and_resource_pages(client):
    task = client.get("/task/image-classification.json").json()
    assert [m["label"] for m in task["methods"]] == ["ResNet"]
    metric = client.get("/metric/top-1-accuracy.json").json()
    assert len(metric["results"]) == 6  # every result in the metric, changes too
    repo = "https://w3id.org/kg-ml/id/repo/github.com/facebookresearch/resnext"
    resource = client.get("/resource", params={"iri": repo, "format": "json"}).json()
    assert any(t["object"]["value"] == "https://github.com/facebookresearch/ResNeXt" for t in resource["out"])
    assert any(t["subject"].get("href") == "/paper/1611.05431" for t in resource["in"])


def test_unknown_pages_are_404(client):
    assert client.get("/method/no-such-method").status_code == 404
    assert client.get("/paper/0000.00000").status_code == 404
    assert client.get("/resource", params={"iri": "urn:nothing"}).status_code == 404


def test_sparql_page_runs_an_example_with_links_into_the_site(client):
    html = client.get("/sparql", params={"example": "results-on-dataset"}).text
    assert 'href="/paper/1709.01507"' in html and "82.7%" in html
    assert "VALUES (?dataset" in html  # the bound example is in the box, ready to edit
    examples = re.findall(r'href="/sparql\?example=([\w-]+)"', html)
    assert len(examples) == len(list(Path("queries").glob("*.rq")))
    prefixed = client.get(
        "/sparql", params={"query": "SELECT ?m WHERE { ?m a kg:Method } ORDER BY ?m LIMIT 2"}
    )
    assert 'href="/method/bert"' in prefixed.text
    refused = client.get("/sparql", params={"query": "DROP ALL"})
    assert "updates are not accepted" in refused.text


def test_graph_page_embeds_the_viz_with_hub_labels(client):
    assert '<iframe class="graph" src="/graph/view?focus=EAGLE"' in client.get("/graph?focus=EAGLE").text
    view = client.get("/graph/view", params={"focus": "EAGLE"})
    assert view.status_code == 200 and "default-src 'none'" in view.headers["content-security-policy"]
    data = json.loads(
        re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', view.text, re.DOTALL).group(
            1
        )
    )
    labels = {node["info"]["name"]: node["label"] for node in data["nodes"]}
    assert labels["EAGLE"] == "EAGLE" and "EAGLE-3" in labels
    assert client.get("/graph/view", params={"focus": "no such node"}).status_code == 404


# -- the endpoint ---------------------------------------------------------------------------------------


def test_endpoint_answers_get_and_post_in_negotiated_formats(client):
    query = "SELECT ?title WHERE { ?p a kg:Paper ; schema:name ?title } ORDER BY ?title LIMIT 2"
    as_json = client.get("/query", params={"query": query})
    assert as_json.headers["content-type"].startswith("application/sparql-results+json")
    assert len(as_json.json()["results"]["bindings"]) == 2
    as_xml = client.post(
        "/query", data={"query": query}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert as_xml.text.startswith("<?xml") and "<sparql" in as_xml.text
    as_csv = client.post(
        "/query", content=query, headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"}
    )
    assert as_csv.text.splitlines()[0] == "title"
    graph = client.get(
        "/query",
        params={"query": "CONSTRUCT { ?p a kg:Paper } WHERE { ?p a kg:Paper }"},
        headers={"Accept": "application/n-triples"},
    )
    assert graph.headers["content-type"].startswith("application/n-triples")
    assert len(graph.text.splitlines()) == len(site_pairs())


@pytest.mark.parametrize(
    "request_args",
    [
        {
            "method": "POST",
            "url": "/query",
            "content": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"method": "POST", "url": "/query", "data": {"update": "DROP ALL"}},
        {"method": "GET", "url": "/query", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}},
        {"method": "POST", "url": "/update", "data": {"update": "CLEAR ALL"}},
    ],
)
def test_endpoint_refuses_updates(client, request_args):
    response = client.request(**request_args)
    assert response.status_code == 403 and "updates are not accepted" in response.text
    assert client.get("/query", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_endpoint_errors_are_plain_messages(client):
    bad = client.get("/query", params={"query": "SELECT ?s WHERE {"})
    assert bad.status_code == 400 and "syntax error" in bad.text.lower()
    assert client.get("/query").status_code == 400


def test_kind_colours_come_from_the_domain_table(client):
    from kg.core.domain import NODE_KINDS

    assert '<link rel="stylesheet" href="/kinds.css">' in client.get("/").text
    css = client.get("/kinds.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    rules = dict(re.findall(r"\.kind-(\w+) \{ --kind: (#[0-9a-f]{6}); \}", css.text))
    assert rules == {kind.name: kind.colour for kind in NODE_KINDS}


def test_negotiate_honours_q_values():
    table = {"application/sparql-results+json": "json", "text/csv": "csv"}
    assert negotiate("text/csv;q=0.5, application/sparql-results+json", table, "x") == "json"
    assert negotiate("text/html, text/csv", table, "json") == "csv"
    assert negotiate("", table, "json") == "json"

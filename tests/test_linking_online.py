"""link_papers and facts_triples, offline and against a small stand-in for GitHub and Hugging Face on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass, field

import pytest
from pytest_httpserver import HTTPServer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF
from werkzeug import Request, Response

from kg.core.namespaces import KG, SCHEMA
from kg.core.papers import Paper
from kg.extraction.records import Entity, Evidence, Extraction
from kg.graph.iris import paper_iri, repository_iri
from kg.graph.links import facts_triples
from kg.linking.client import ApiClient
from kg.linking.link import link_papers

XSD_DATETIME = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")


def repo_json(full_name: str, **fields) -> dict:
    owner, name = full_name.split("/")
    return {
        "id": int(hashlib.sha1(full_name.encode()).hexdigest()[:6], 16),
        "name": name,
        "full_name": full_name,
        "owner": {"login": owner},
        "html_url": f"https://github.com/{full_name}",
        "description": None,
        "homepage": None,
        "stargazers_count": 0,
        "forks_count": 0,
        "language": None,
        "license": None,
        "topics": [],
        "archived": False,
        "created_at": "2023-01-02T03:04:05Z",
        "pushed_at": "2024-02-03T04:05:06Z",
        **fields,
    }


@dataclass
class FakeApis:
    """Answers like api.github.com and huggingface.co/api for a few repositories and papers, with ETags."""

    repos: dict[str, dict] = field(default_factory=dict)  # lower-case full name -> /repos JSON
    readmes: dict[str, str] = field(default_factory=dict)
    papers: dict[str, dict] = field(default_factory=dict)  # arXiv id -> HF papers JSON
    search: dict[str, list[str]] = field(default_factory=dict)  # a word of the query -> full names
    limited_after: int | None = None  # GitHub answers 403 rate-limited after this many requests
    github_requests: int = 0

    def handle(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/hf/papers/"):
            return self.answer(request, self.papers.get(path.removeprefix("/hf/papers/")))
        self.github_requests += 1
        if self.limited_after is not None and self.github_requests > self.limited_after:
            reset = str(int(time.time() + 3600))
            return Response(
                json.dumps({"message": "API rate limit exceeded for 127.0.0.1."}),
                status=403,
                content_type="application/json",
                headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
            )
        if path == "/github/search/repositories":
            query = request.args["q"]
            names = [n for word, found in self.search.items() if word.lower() in query.lower() for n in found]
            items = [self.repos[n.lower()] for n in dict.fromkeys(names)]
            return self.answer(
                request, {"total_count": len(items), "incomplete_results": False, "items": items}
            )
        match = re.fullmatch(r"/github/repos/([^/]+)/([^/]+)(/readme)?", path)
        if not match:
            return self.answer(request, None)
        key = f"{match.group(1)}/{match.group(2)}".lower()
        if match.group(3):
            text = self.readmes.get(key)
            body = (
                None
                if text is None
                else {
                    "name": "README.md",
                    "path": "README.md",
                    "encoding": "base64",
                    "content": base64.encodebytes(text.encode()).decode(),
                }
            )
            return self.answer(request, body)
        return self.answer(request, self.repos.get(key))

    def answer(self, request: Request, body: dict | None) -> Response:
        if body is None:
            return Response(json.dumps({"message": "Not Found"}), status=404, content_type="application/json")
        text = json.dumps(body)
        etag = 'W/"' + hashlib.sha1(text.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(
            text,
            content_type="application/json",
            headers={
                "ETag": etag,
                "X-RateLimit-Remaining": "4000",
                "X-RateLimit-Reset": str(int(time.time() + 3600)),
            },
        )


@pytest.fixture(scope="module")
def server():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake(server):
    server.clear()
    apis = FakeApis()
    server.expect_request(re.compile("^/(github|hf)/")).respond_with_handler(apis.handle)
    apis.server = server
    yield apis
    server.clear()


def client_for(server: HTTPServer, tmp_path, **options) -> ApiClient:
    return ApiClient(
        github_api=server.url_for("/github"),
        hf_api=server.url_for("/hf"),
        cache_dir=tmp_path / "c",
        retries=1,
        backoff=0,
        timeout=2,
        github_token="",
        hf_token="",
        **options,
    )


def proposed(paper: Paper, name: str) -> Extraction:
    start = paper.abstract.index(name)
    evidence = Evidence("abstract", paper.abstract, start, start + len(name))
    return Extraction(paper_id=paper.key, proposed=[Entity(name, "method", name, 0.9, evidence)])


HICMAE = Paper(
    title="HiCMAE: Hierarchical Contrastive Masked Autoencoder for Audio-Visual Emotion Recognition",
    abstract="We propose HiCMAE. Code: https://github.com/sunlicai/HiCMAE.",
    arxiv_id="2401.05698",
)
TELLY = Paper(
    title="Telly: probing code models across layers",
    abstract="We propose Telly. Code at https://github.com/DeepSoftwareAnalytics/Telly/tree/main/x.",
    arxiv_id="2312.04021",
)
HF_ONLY = Paper(
    title="EAGLE-3: Scaling up Inference Acceleration of Large Language Models",
    abstract="We present EAGLE-3.",
    arxiv_id="2503.01840",
)
PAGE = Paper(
    title="Compressing Features for Learning with Noisy Labels",
    abstract="Project page: https://yingyichen-cyy.github.io/CompressFeatNoisyLabels/.",
)
SEARCHED = Paper(
    title="Deep Task-specific Bottom Representation Network for Multi-Task Recommendation",
    abstract="We propose the Deep Task-specific Bottom Representation Network (DTRN).",
    arxiv_id="2308.05996",
)
NOTHING = Paper(
    title="Trying Bilinear Pooling in Video-QA",
    abstract="We propose BLP-QA for video question answering.",
    arxiv_id="2012.10285",
)


def world(fake: FakeApis) -> list[tuple[Paper, Extraction]]:
    fake.repos.update(
        {
            "sunlicai/hicmae": repo_json(
                "sunlicai/HiCMAE",
                stargazers_count=120,
                forks_count=11,
                language="Python",
                license={"key": "mit", "spdx_id": "MIT"},
                topics=["emotion", "audio-visual"],
                description="HiCMAE for audio-visual emotion recognition",
            ),
            "deepsoftwareanalytics/telly": repo_json(
                "DeepSoftwareAnalytics/Telly", stargazers_count=7, archived=True
            ),
            "safeailab/eagle": repo_json("SafeAILab/EAGLE", stargazers_count=1500, language="Python"),
            "yingyichen-cyy/compressfeatnoisylabels": repo_json(
                "yingyichen-cyy/CompressFeatNoisyLabels",
                homepage="https://yingyichen-cyy.github.io/CompressFeatNoisyLabels/",
            ),
            "someone/dtrn": repo_json("someone/DTRN", description="unrelated recommender toy"),
            "bytedance/dtrn": repo_json("bytedance/DTRN", stargazers_count=30, description="Official code"),
            "other/blp-qa": repo_json("other/BLP-QA", description="bilinear pooling"),
            "lists/awesome-recsys": repo_json("lists/awesome-recsys", description="Papers on recommendation"),
        }
    )
    fake.readmes.update(
        {
            "someone/dtrn": "# DTRN\nA different model.",
            "bytedance/dtrn": "# DTRN\nCode for [our paper](https://arxiv.org/abs/2308.05996).",
            "other/blp-qa": "# BLP-QA\nNothing about any paper.",
            "lists/awesome-recsys": "# Awesome RecSys\n"
            + "".join(
                f"- https://arxiv.org/abs/{n}\n"
                for n in ("2308.05996", "2101.00001", "2102.00002", "2103.00003", "2104.00004", "2105.00005")
            ),
        }
    )
    fake.papers.update(
        {
            "2503.01840": {
                "id": "2503.01840",
                "title": HF_ONLY.title,
                "upvotes": 3,
                "githubRepo": "https://github.com/SafeAILab/EAGLE",
                "projectPage": "https://sites.google.com/eagle",
                "githubStars": 1500,
            },
            "2401.05698": {"id": "2401.05698", "title": HICMAE.title, "githubRepo": None},
        }
    )
    fake.search.update(
        {"DTRN": ["someone/DTRN", "lists/awesome-recsys", "bytedance/DTRN"], "BLP-QA": ["other/BLP-QA"]}
    )
    return [
        (HICMAE, proposed(HICMAE, "HiCMAE")),
        (TELLY, proposed(TELLY, "Telly")),
        (HF_ONLY, proposed(HF_ONLY, "EAGLE-3")),
        (PAGE, Extraction(paper_id=PAGE.key)),
        (SEARCHED, proposed(SEARCHED, "DTRN")),
        (NOTHING, proposed(NOTHING, "BLP-QA")),
    ]


def by_key(links):
    return {item.paper_key: item for item in links}


def test_offline_links_only_from_text_and_stated_fields(fake):
    pairs = world(fake)
    stated = Paper(
        title="A paper from the HF API",
        repository="https://github.com/Org/Tool.git",
        project_page="https://tool.example.org/",
    )
    links, report = link_papers([*pairs, (stated, Extraction(paper_id=stated.key))])
    got = by_key(links)
    assert got[HICMAE.key].repositories == [("https://github.com/sunlicai/HiCMAE", "text", 1.0)]
    assert got[TELLY.key].repositories[0][0] == "https://github.com/DeepSoftwareAnalytics/Telly"
    assert got[PAGE.key].repositories == []
    assert got[PAGE.key].candidates == [
        ("https://github.com/yingyichen-cyy/CompressFeatNoisyLabels", "github-io", 0.3)
    ]
    assert got[stated.key].repositories == [("https://github.com/Org/Tool", "hf-api", 0.95)]
    assert got[stated.key].project_pages == ["https://tool.example.org"]
    assert (report.linked, report.unlinked, report.by_source) == (3, 4, {"text": 2, "hf-api": 1})
    assert report.requests == {} and fake.server.log == []


def test_online_links_every_source_with_facts(fake, tmp_path):
    client = client_for(fake.server, tmp_path)
    advanced = []
    links, report = link_papers(
        world(fake),
        online=True,
        client=client,
        progress=lambda total: advanced.append(total) or advanced.append,
    )
    got = by_key(links)
    assert got[HF_ONLY.key].repositories == [("https://github.com/SafeAILab/EAGLE", "hf-api", 0.95)]
    assert got[HF_ONLY.key].project_pages == ["https://sites.google.com/eagle"]
    assert got[PAGE.key].repositories == [
        ("https://github.com/yingyichen-cyy/CompressFeatNoisyLabels", "github-io", 0.9)
    ]
    assert got[SEARCHED.key].repositories == [("https://github.com/bytedance/DTRN", "github-search", 0.9)]
    assert got[NOTHING.key].repositories == []  # a candidate without evidence is refused

    facts = got[HICMAE.key].facts["https://github.com/sunlicai/HiCMAE"]
    assert (facts.stars, facts.forks, facts.language, facts.license) == (120, 11, "Python", "MIT")
    assert facts.topics == ["emotion", "audio-visual"] and facts.archived is False
    assert facts.created == "2023-01-02T03:04:05Z" and re.match(r"\d{4}-\d\d-\d\dT", facts.retrieved)
    assert got[TELLY.key].facts["https://github.com/DeepSoftwareAnalytics/Telly"].archived is True
    assert got[SEARCHED.key].facts["https://github.com/bytedance/DTRN"].stars == 30

    assert report.by_source == {"text": 2, "hf-api": 1, "github-io": 1, "github-search": 1}
    assert (report.linked, report.unlinked, report.stopped, report.errors) == (5, 1, None, [])
    assert advanced[0] == 6 and advanced[1:] == [1] * 6
    assert report.requests["not_modified"] == 0 and report.requests["retries"] == 0
    assert report.requests["full"] == sum(response.status_code == 200 for _, response in fake.server.log)


def test_second_run_makes_conditional_requests_only(fake, tmp_path):
    pairs = world(fake)
    first_links, _ = link_papers(pairs, online=True, client=client_for(fake.server, tmp_path))
    first = len(fake.server.log)
    second_client = client_for(fake.server, tmp_path)
    second_links, report = link_papers(pairs, online=True, client=second_client)
    assert report.stopped is None and report.linked == 5
    second = fake.server.log[first:]
    stats = second_client.stats
    assert stats.full == 0 and stats.not_modified == stats.requests == len(second)
    assert all(response.status_code in (304,) for _, response in second)
    assert all(request.headers.get("If-None-Match") for request, _ in second)
    assert [item.repositories for item in second_links] == [item.repositories for item in first_links]
    assert [sorted(item.facts) for item in second_links] == [sorted(item.facts) for item in first_links]
    assert stats.cached > 0  # the 404s of the first run are not asked again


def test_a_rate_limit_stops_that_api_and_keeps_what_was_linked(fake, tmp_path):
    pairs = world(fake)
    fake.limited_after = 2  # GitHub answers twice, then is rate-limited for an hour
    links, report = link_papers(pairs, online=True, client=client_for(fake.server, tmp_path))
    got = by_key(links)
    assert "rate limit reached" in report.stopped and "GITHUB_TOKEN" in report.stopped
    assert len(links) == len(pairs)
    assert got[HICMAE.key].facts["https://github.com/sunlicai/HiCMAE"].stars == 120  # read before the limit
    assert got[TELLY.key].repositories[0][1] == "text"  # later papers are still linked from their text
    assert got[SEARCHED.key].repositories == []
    assert report.linked == 3 and report.unlinked == 3
    # GitHub was not asked again after the limit was met; Hugging Face still was, for every paper
    assert fake.github_requests == 3
    assert got[HF_ONLY.key].repositories == [("https://github.com/SafeAILab/EAGLE", "hf-api", 0.95)]
    assert sum(request.path.startswith("/hf/") for request, _ in fake.server.log) == 5


def test_item_errors_are_reported_and_the_run_goes_on(fake, tmp_path):
    pairs = world(fake)
    fake.server.clear()
    fake.server.expect_request("/github/repos/sunlicai/HiCMAE").respond_with_data("{not json", status=200)
    fake.server.expect_request(re.compile("^/(github|hf)/")).respond_with_handler(fake.handle)
    links, report = link_papers(pairs, online=True, client=client_for(fake.server, tmp_path))
    assert report.stopped is None
    assert any("malformed JSON" in error and HICMAE.key in error for error in report.errors)
    assert by_key(links)[HICMAE.key].facts == {}
    assert by_key(links)[HICMAE.key].repositories  # still linked from the text
    assert by_key(links)[HF_ONLY.key].facts  # later papers still get facts


def test_facts_triples_use_the_graph_iris_and_schema_terms(fake, tmp_path):
    links, _ = link_papers(world(fake), online=True, client=client_for(fake.server, tmp_path))
    graph = Graph()
    for triple in facts_triples(links):
        graph.add(triple)
    paper, repo = paper_iri(HICMAE), repository_iri("https://github.com/sunlicai/HiCMAE")
    assert str(repo).endswith("repo/github.com/sunlicai/hicmae")
    assert (paper, KG.hasRepository, repo) in graph
    assert (repo, RDF.type, SCHEMA.SoftwareSourceCode) in graph
    # the URL this source gives; schema:codeRepository is derived across sources (kg.graph.build.Names)
    assert (repo, KG.canonicalName, Literal("https://github.com/sunlicai/HiCMAE")) in graph
    assert (repo, KG.stars, Literal(120)) in graph
    assert (repo, SCHEMA.license, URIRef("https://spdx.org/licenses/MIT")) in graph
    assert set(graph.objects(repo, SCHEMA.keywords)) == {Literal("emotion"), Literal("audio-visual")}
    assert graph.value(repo, SCHEMA.dateCreated) == Literal("2023-01-02T03:04:05Z", datatype=XSD_DATETIME)
    assert graph.value(repo, PROV.generatedAtTime).datatype == XSD_DATETIME
    searched = repository_iri("https://github.com/bytedance/DTRN")
    (statement,) = graph.subjects(RDF.object, searched)
    assert graph.value(statement, RDF.subject) == paper_iri(SEARCHED)
    assert graph.value(statement, KG.linkSource) == Literal("github-search")
    assert float(graph.value(statement, KG.confidence)) == 0.9
    assert (paper_iri(HF_ONLY), KG.hasProjectPage, URIRef("https://sites.google.com/eagle")) in graph
    assert (
        repository_iri("https://github.com/DeepSoftwareAnalytics/Telly"),
        KG.archived,
        Literal(True),
    ) in graph


def write_jsonl(path, papers: list[Paper]) -> None:
    records = [
        {
            "id": paper.arxiv_id or f"p{index}",
            "title": paper.title,
            "abstract": paper.abstract,
            **({"arxiv_id": paper.arxiv_id} if paper.arxiv_id else {}),
        }
        for index, paper in enumerate(papers)
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


def test_cli_offline_table_and_json(tmp_path):
    from click.testing import CliRunner

    from kg.cli.link import link

    inputs = tmp_path / "papers.jsonl"
    write_jsonl(inputs, [HICMAE, TELLY, NOTHING])
    result = CliRunner().invoke(link, [str(inputs)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "https://github.com/sunlicai/HiCMAE" in result.stdout
    assert "3 papers: 2 linked (text: 2), 1 without code" in result.stdout
    result = CliRunner().invoke(link, [str(inputs), "--format", "json"], catch_exceptions=False)
    data = json.loads(result.stdout)
    assert data["report"]["linked"] == 2 and data["report"]["stopped"] is None
    assert data["papers"][1]["repositories"] == [
        {"url": "https://github.com/DeepSoftwareAnalytics/Telly", "source": "text", "confidence": 1.0}
    ]


def test_cli_online_uses_the_given_apis_and_never_shows_the_token(fake, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kg.cli.link import link

    world(fake)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_SECRET_0123456789abcdef")
    inputs = tmp_path / "papers.jsonl"
    write_jsonl(inputs, [HICMAE, HF_ONLY, NOTHING])
    cache = tmp_path / "cache"
    args = [
        str(inputs),
        "--online",
        "--cache-dir",
        str(cache),
        "--github-api",
        fake.server.url_for("/github"),
        "--hf-api",
        fake.server.url_for("/hf"),
    ]
    result = CliRunner().invoke(link, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "3 papers: 2 linked (text: 1, hf-api: 1), 1 without code" in result.stdout
    assert re.search(r"https://github.com/SafeAILab/EAGLE\s+hf-api\s+0\.95\s+1500", result.stdout)
    assert any(
        request.headers.get("Authorization") == "Bearer ghp_SECRET_0123456789abcdef"
        for request, _ in fake.server.log
    )
    assert "SECRET" not in result.output
    assert all("SECRET" not in path.read_text() for path in cache.iterdir())

    fake.limited_after = 0  # GitHub now refuses everything: the run still ends with what it could link
    result = CliRunner().invoke(link, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "online linking stopped early: GitHub API rate limit reached" in result.stderr
    assert "SECRET" not in result.output
    assert json.loads(result.stdout)["report"]["linked"] == 2


def test_facts_triples_of_one_link_are_exactly_these():
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    from kg.linking.link import PaperLinks, RepositoryFacts

    url = "https://github.com/Org/Tool"
    facts = RepositoryFacts(
        url=url,
        stars=5,
        forks=None,
        language="Rust",
        license=None,
        topics=["kg"],
        description=None,
        created=None,
        pushed="2024-01-01T00:00:00Z",
        archived=None,
        retrieved="2026-01-01T00:00:00+00:00",
    )
    links = [PaperLinks("2401.00001", [(url, "hf-api", 0.95)], ["https://tool.org"], {url: facts})]
    got = Graph()
    for triple in facts_triples(links):
        got.add(triple)
    expected = Graph().parse(
        format="turtle",
        data=f"""
        @prefix kg: <{KG._NS}> . @prefix schema: <https://schema.org/> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix prov: <http://www.w3.org/ns/prov#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{paper_iri(Paper(title="x", arxiv_id="2401.00001"))}> kg:hasRepository <{repository_iri(url)}> ;
            kg:hasProjectPage <https://tool.org> .
        <{repository_iri(url)}> a schema:SoftwareSourceCode, kg:Repository ; kg:canonicalName "{url}" ;
            kg:stars 5 ; schema:programmingLanguage "Rust" ; schema:keywords "kg" ;
            schema:dateModified "2024-01-01T00:00:00Z"^^xsd:dateTime ;
            prov:generatedAtTime "2026-01-01T00:00:00+00:00"^^xsd:dateTime .
        ?statement a rdf:Statement ; rdf:subject <{paper_iri(Paper(title="x", arxiv_id="2401.00001"))}> ;
            rdf:predicate kg:hasRepository ; rdf:object <{repository_iri(url)}> ; kg:linkSource "hf-api" ;
            kg:confidence "0.95"^^xsd:double .
    """.replace("?statement", "<" + str(next(got.subjects(RDF.type, RDF.Statement))) + ">"),
    )
    if not isomorphic(got, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(f"only produced: {sorted(only_got)}\nonly expected: {sorted(only_expected)}")


def test_build_online_stores_repository_facts_in_the_graph(fake, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main
    from kg.store import Store

    world(fake)
    inputs = tmp_path / "papers.jsonl"
    write_jsonl(inputs, [HICMAE, HF_ONLY, NOTHING])
    out = tmp_path / "out"
    args = [
        "build",
        str(inputs),
        "--out",
        str(out),
        "--no-html",
        "--online",
        "--cache-dir",
        str(tmp_path / "c"),
        "--github-api",
        fake.server.url_for("/github"),
        "--hf-api",
        fake.server.url_for("/hf"),
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "linked 2 papers" in result.stdout
    query = """SELECT ?stars WHERE { ?paper kg:hasRepository ?repo . ?repo schema:codeRepository ?url ;
               kg:stars ?stars FILTER(STR(?url) = "https://github.com/SafeAILab/EAGLE") }"""
    with Store(out / "store", read_only=True) as store:
        assert [int(row[0]) for row in store.query(query).rows] == [1500]

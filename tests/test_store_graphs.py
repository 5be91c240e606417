"""The store holds exactly what the inputs say: named graphs replaced on rebuild, locks, interrupted builds."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph
from werkzeug import Request, Response

from kg.builder import build
from kg.core.errors import StoreError
from kg.linking.client import ApiClient, ApiUnavailable
from kg.store import Store
from kg.store.lock import read_lock, write_lock
from tests.test_linking_online import FakeApis, repo_json

PAPERS = [
    {
        "id": "2401.00001",
        "title": "Fine-tuning BERT for reading",
        "abstract": "We fine-tune BERT on SQuAD and MNLI.",
    },
    {
        "id": "2401.00002",
        "title": "A study of ResNet-50",
        "abstract": "We train ResNet-50 on ImageNet and CIFAR-10.",
    },
    {"id": "2401.00003", "title": "Translation with T5", "abstract": "We evaluate T5 on WMT14 with BLEU."},
]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def union_lines(store_dir: Path) -> list[bytes]:
    with Store(store_dir, read_only=True) as store:
        return store.ntriples_lines()


def test_an_edited_paper_rebuilt_without_fresh_equals_a_fresh_build(tmp_path):
    first = write_jsonl(tmp_path / "v1.jsonl", PAPERS)
    build([first], tmp_path / "incremental", html=False)
    assert b"id/dataset/cifar" in b"\n".join(union_lines(tmp_path / "incremental" / "store")).lower()
    edited = [dict(paper) for paper in PAPERS]
    edited[1]["abstract"] = "We train ResNet-50 on ImageNet."  # CIFAR-10 is no longer named
    second = write_jsonl(tmp_path / "v2.jsonl", edited)
    build([second], tmp_path / "incremental", html=False)
    build([second], tmp_path / "fresh", html=False, fresh=True)
    incremental, fresh = (
        union_lines(tmp_path / "incremental" / "store"),
        union_lines(tmp_path / "fresh" / "store"),
    )
    assert b"id/dataset/cifar" not in b"\n".join(fresh).lower()
    assert incremental == fresh  # no blank nodes: equal lines are an isomorphism
    assert (tmp_path / "incremental" / "graph.ttl").read_bytes() == (
        tmp_path / "fresh" / "graph.ttl"
    ).read_bytes()


def test_a_second_writer_and_a_build_under_a_reader_are_refused(tmp_path):
    inputs = write_jsonl(tmp_path / "p.jsonl", PAPERS[:1])
    store_dir = tmp_path / "out" / "store"
    with write_lock(store_dir), pytest.raises(StoreError, match="in use by another process"):
        build([inputs], tmp_path / "out", html=False)
    build([inputs], tmp_path / "out", html=False)
    with Store(store_dir, read_only=True), pytest.raises(StoreError, match="kg serve"):
        build([inputs], tmp_path / "out", html=False)  # as kg serve holds it: a shared read lock
    with read_lock(store_dir), read_lock(store_dir):  # readers do not exclude each other
        pass
    with write_lock(store_dir), pytest.raises(StoreError, match="being written"):
        Store(store_dir, read_only=True)


def test_builds_into_one_out_with_different_stores_keep_their_spools(tmp_path):
    inputs = write_jsonl(tmp_path / "p.jsonl", PAPERS[:2])
    commands = [
        [
            sys.executable,
            "-m",
            "kg",
            "build",
            str(inputs),
            "--out",
            str(tmp_path / "out"),
            "--no-html",
            "--store",
            str(tmp_path / name),
        ]
        for name in ("store-a", "store-b")
    ]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in commands
    ]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert union_lines(tmp_path / "store-a") == union_lines(tmp_path / "store-b")
    assert not list((tmp_path / "out").glob(".kg-build-*"))


def interrupt_build(tmp_path: Path, inputs: Path, sig: int, after: float) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "kg",
        "build",
        str(inputs),
        "--out",
        str(tmp_path / "out"),
        "--workers",
        "2",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_build_leaves_the_previous_outputs_readable(tmp_path, sig):
    many = [
        {"id": f"t{i}", "title": f"Paper {i} on BERT", "abstract": f"We fine-tune BERT-{i} on SQuAD."}
        for i in range(400)
    ]
    inputs = write_jsonl(tmp_path / "p.jsonl", PAPERS)
    build([inputs], tmp_path / "out")
    before = {name: (tmp_path / "out" / name).read_bytes() for name in ("graph.ttl", "graph.html")}
    write_jsonl(inputs, PAPERS + many)
    for after in (1.0, 4.0, 9.0):
        result = interrupt_build(tmp_path, inputs, sig, after)
        if sig == signal.SIGINT:
            assert "Traceback" not in result.stderr, result.stderr
            # 130 with one line; or, when Ctrl-C comes as Python shuts down (its handler gone), a silent -2
            assert result.returncode in (0, 130, -signal.SIGINT), (result.returncode, result.stderr)
            if result.returncode == 130:
                assert result.stderr.strip().splitlines()[-1].startswith("interrupted"), result.stderr
        with Store(tmp_path / "out" / "store", read_only=True) as store:
            store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # readable
            current = io.BytesIO()
            store.write(current, "turtle")
        # graph.ttl is the previous file whole, or (stopped after writing it) the store's graph whole
        assert (tmp_path / "out" / "graph.ttl").read_bytes() in (before["graph.ttl"], current.getvalue())
        Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
        html = (tmp_path / "out" / "graph.html").read_bytes()
        assert html == before["graph.html"] or html.rstrip().endswith(b"</html>")
        if sig == signal.SIGINT:
            assert not [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    summary = build([inputs], tmp_path / "out")  # the next build succeeds
    assert summary.counts["papers"] == len(PAPERS) + len(many)
    assert not [
        p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")
    ]  # killed leftovers gone


@pytest.fixture
def stand_in(httpserver):
    fake = FakeApis()
    fake.repos["org/tool"] = repo_json("org/tool", stargazers_count=5, projectPage=None)
    fake.papers["2401.00001"] = {
        "id": "2401.00001",
        "githubRepo": "https://github.com/org/tool",
        "projectPage": 'https://example.com/a b"<>',
    }
    httpserver.expect_request("").respond_with_handler(fake.handle)
    return fake, httpserver


def client(server, tmp_path: Path, **options) -> ApiClient:
    return ApiClient(
        github_api=server.url_for("/github"),
        hf_api=server.url_for("/hf"),
        cache_dir=tmp_path / "cache",
        backoff=0,
        github_token="",
        hf_token="",
        **options,
    )


def test_a_second_online_read_leaves_one_value_per_repository_fact(stand_in, tmp_path):
    fake, server = stand_in
    inputs = write_jsonl(tmp_path / "p.jsonl", PAPERS[:1])
    build([inputs], tmp_path / "out", html=False, online=client(server, tmp_path))
    fake.repos["org/tool"]["stargazers_count"] = 7  # the repository changed between the reads
    build([inputs], tmp_path / "out", html=False, online=client(server, tmp_path))
    with Store(tmp_path / "out" / "store", read_only=True) as store:
        rows = store.query(
            "SELECT ?p (COUNT(DISTINCT ?o) AS ?n) WHERE { ?r a kg:Repository ; ?p ?o } GROUP BY ?p"
        )
        stars = store.query("SELECT ?s WHERE { ?r kg:stars ?s }").rows
    assert [int(row[0]) for row in stars] == [7]
    assert all(int(count) == 1 for predicate, count in rows.rows if not str(predicate).endswith("#type")), (
        rows.rows
    )


def test_hostile_api_answers_never_crash_an_online_build(stand_in, tmp_path):
    fake, server = stand_in
    fake.repos["org/tool"].update(
        license={"spdx_id": "MIT License"},
        created_at="not a date",
        pushed_at="2024-13-45T99:99:99Z",
        stargazers_count=-3,
    )
    inputs = write_jsonl(tmp_path / "p.jsonl", PAPERS[:1])
    summary = build([inputs], tmp_path / "out", html=False, online=client(server, tmp_path))
    assert summary.counts["papers"] == 1
    assert any("not a usable http(s) URL" in error for error in summary.link_report.errors)
    turtle = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "MIT License" not in turtle and "not a date" not in turtle and "example.com/a b" not in turtle
    assert "kg:stars -3" not in turtle
    Graph().parse(data=turtle, format="turtle")


def test_a_trickling_server_is_cut_off_by_the_overall_deadline(httpserver):
    def trickle(request: Request) -> Response:
        def body():
            for _ in range(30):
                yield b" "
                time.sleep(0.2)
            yield b"{}"

        return Response(body(), content_type="application/json")

    httpserver.expect_request("/hf/papers/2401.00001").respond_with_handler(trickle)
    api = ApiClient(hf_api=httpserver.url_for("/hf"), timeout=1.0, retries=0, backoff=0, hf_token="")
    started = time.monotonic()
    with pytest.raises(ApiUnavailable, match="did not answer in full within 1 s") as caught:
        api.hf_paper("2401.00001")
    assert time.monotonic() - started < 4  # not 6 s of trickle, let alone for ever
    assert "refused" not in str(caught.value)


def test_kg_help_does_not_load_spacy_or_networkx():
    code = (
        "import sys; from click.testing import CliRunner; from kg.cli import main; "
        "CliRunner().invoke(main, ['--help']); CliRunner().invoke(main, ['query', '--help']); "
        "import kg.extraction.records; "
        "print(sorted(m for m in ('spacy', 'networkx') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.stdout.strip() == "[]"


def test_the_help_summaries_are_the_commands_own():
    import click

    from kg.cli import COMMAND_MODULES, SUMMARIES, main

    context = click.Context(main)
    for name in COMMAND_MODULES:
        assert main.get_command(context, name).get_short_help_str(limit=1000) == SUMMARIES[name]


def test_a_build_into_a_store_kg_serve_is_serving_is_refused(tmp_path):
    import socket

    import requests

    inputs = write_jsonl(tmp_path / "p.jsonl", PAPERS[:2])
    build([inputs], tmp_path / "out", html=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store_dir = tmp_path / "out" / "store"
    server = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store_dir), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 180  # the site builds its search index first; slow on a busy machine
        while True:
            try:
                answer = requests.get(
                    f"http://127.0.0.1:{port}/query",
                    timeout=2,
                    headers={"Accept": "text/csv"},
                    params={
                        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/kg-ml/ns#Paper> }"
                    },
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        assert answer.text.split()[-1] == "2"  # the endpoint sees the union of the papers' graphs
        with pytest.raises(StoreError, match="kg serve"):
            build([inputs], tmp_path / "out", html=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    with write_lock(store_dir):  # at once: kg serve's query workers went with it, not after it
        pass
    build([inputs], tmp_path / "out", html=False)  # served no more: the build goes ahead

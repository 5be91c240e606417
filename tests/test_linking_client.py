"""ApiClient against a real HTTP server on 127.0.0.1 answering like GitHub and Hugging Face."""

from __future__ import annotations

import json
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kg.linking.client import ApiClient, ApiError, ApiUnavailable, RateLimited

REPO = {
    "id": 1,
    "name": "HiCMAE",
    "full_name": "sunlicai/HiCMAE",
    "html_url": "https://github.com/sunlicai/HiCMAE",
    "description": "Hierarchical Contrastive Masked Autoencoder",
    "stargazers_count": 80,
    "forks_count": 9,
    "language": "Python",
    "topics": ["emotion-recognition"],
    "archived": False,
    "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT"},
    "created_at": "2024-01-10T08:00:00Z",
    "pushed_at": "2024-05-01T10:00:00Z",
}
NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
RATE_LIMITED = {
    "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a "
    "higher rate limit.)",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
}


@pytest.fixture(scope="module")
def server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def api(server):
    server.clear()
    yield server
    server.clear()


@pytest.fixture
def sleeps():
    return []


def make_client(api: HTTPServer, sleeps: list[float], tmp_path=None, **options) -> ApiClient:
    defaults = {
        "github_api": api.url_for("/github"),
        "hf_api": api.url_for("/hf"),
        "timeout": 2.0,
        "retries": 2,
        "backoff": 0.0,
        "github_token": "",
        "hf_token": "",
        "sleep": sleeps.append,
    }
    defaults.update(options)
    return ApiClient(cache_dir=tmp_path / "cache" if tmp_path else None, **defaults)


def settle(api: HTTPServer, requests: int) -> None:
    """Wait for slow handlers still running in the server's threads, so they do not log into later tests."""
    deadline = time.monotonic() + 5
    while len(api.log) < requests and time.monotonic() < deadline:
        time.sleep(0.02)


def limit_headers(remaining: int, reset_in: float) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "60",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(time.time() + reset_in)),
        "X-RateLimit-Resource": "core",
    }


def test_success_sends_github_headers_and_returns_json(api, sleeps):
    api.expect_request(
        "/github/repos/sunlicai/HiCMAE", headers={"Accept": "application/vnd.github+json"}
    ).respond_with_json(REPO, headers=limit_headers(59, 3600))
    client = make_client(api, sleeps)
    assert client.github_repo("sunlicai", "HiCMAE") == REPO
    assert client.stats.requests == 1 and client.stats.full == 1


def test_404_is_none_and_is_remembered_in_the_cache(api, sleeps, tmp_path):
    api.expect_request("/github/repos/gone/away").respond_with_json(NOT_FOUND, status=404)
    assert make_client(api, sleeps, tmp_path).github_repo("gone", "away") is None
    again = make_client(api, sleeps, tmp_path)
    assert again.github_repo("gone", "away") is None
    assert again.stats.requests == 0 and again.stats.cached == 1
    assert len(api.log) == 1


def test_rate_limit_with_a_far_reset_raises_a_clear_message(api, sleeps):
    api.expect_request("/github/repos/a/b").respond_with_json(
        RATE_LIMITED, status=403, headers=limit_headers(0, 1800)
    )
    with pytest.raises(RateLimited) as raised:
        make_client(api, sleeps).github_repo("a", "b")
    message = str(raised.value)
    assert "GitHub API rate limit reached" in message and "UTC" in message and "GITHUB_TOKEN" in message
    assert "in 30 min" in message
    assert sleeps == []


def test_rate_limit_with_a_near_reset_waits_then_succeeds(api, sleeps):
    api.expect_oneshot_request("/github/repos/a/b").respond_with_json(
        RATE_LIMITED, status=403, headers={**limit_headers(0, 5), "Retry-After": "3"}
    )
    api.expect_request("/github/repos/a/b").respond_with_json(REPO, headers=limit_headers(4999, 3600))
    client = make_client(api, sleeps, max_wait=10)
    assert client.github_repo("a", "b")["full_name"] == "sunlicai/HiCMAE"
    assert sleeps == [3.0]


def test_a_spent_limit_stops_before_sending_the_next_request(api, sleeps):
    api.expect_request("/github/repos/a/b").respond_with_json(REPO, headers=limit_headers(0, 3600))
    client = make_client(api, sleeps)
    client.github_repo("a", "b")
    with pytest.raises(RateLimited):
        client.github_repo("a", "c")
    assert len(api.log) == 1


def test_search_has_its_own_limit(api, sleeps):
    search = {"total_count": 0, "incomplete_results": False, "items": []}
    api.expect_request("/github/search/repositories").respond_with_json(
        search, headers={**limit_headers(0, 3600), "X-RateLimit-Resource": "search"}
    )
    api.expect_request("/github/repos/a/b").respond_with_json(REPO, headers=limit_headers(4000, 3600))
    client = make_client(api, sleeps)
    assert client.github_search("x in:name") == []
    assert client.github_repo("a", "b") == REPO  # the core limit is not spent
    with pytest.raises(RateLimited):
        client.github_search("y in:name")
    assert len(api.log) == 2


def test_429_secondary_limit_uses_retry_after(api, sleeps):
    api.expect_oneshot_request("/hf/papers/2401.00001").respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "2"}
    )
    api.expect_request("/hf/papers/2401.00001").respond_with_json({"id": "2401.00001"})
    assert make_client(api, sleeps).hf_paper("2401.00001") == {"id": "2401.00001"}
    assert sleeps == [2.0]


def test_500_then_success_is_retried_with_backoff(api, sleeps):
    api.expect_oneshot_request("/github/repos/a/b").respond_with_data("oops", status=500)
    api.expect_oneshot_request("/github/repos/a/b").respond_with_data("bad gateway", status=502)
    api.expect_request("/github/repos/a/b").respond_with_json(REPO)
    client = make_client(api, sleeps, backoff=0.01)
    assert client.github_repo("a", "b") == REPO
    assert client.stats.retries == 2 and sleeps == [0.01, 0.02]


def test_persistent_5xx_makes_the_api_unavailable(api, sleeps):
    api.expect_request("/github/repos/a/b").respond_with_data("down", status=503)
    with pytest.raises(ApiUnavailable, match="HTTP 503 after 3 tries"):
        make_client(api, sleeps).github_repo("a", "b")
    assert len(api.log) == 3


def test_a_timeout_is_retried(api, sleeps):
    def slow(request: Request) -> Response:
        time.sleep(0.4)
        return Response(json.dumps(REPO), content_type="application/json")

    api.expect_oneshot_request("/github/repos/a/b").respond_with_handler(slow)
    api.expect_request("/github/repos/a/b").respond_with_json(REPO)
    client = make_client(api, sleeps, timeout=0.15)
    assert client.github_repo("a", "b") == REPO
    assert client.stats.retries == 1
    settle(api, 2)


def test_timeouts_every_time_make_the_api_unavailable(api, sleeps):
    def slow(request: Request) -> Response:
        time.sleep(0.3)
        return Response("{}", content_type="application/json")

    api.expect_request("/hf/papers/2401.00001").respond_with_handler(slow)
    with pytest.raises(ApiUnavailable, match="Hugging Face API timed out after 2 tries"):
        make_client(api, sleeps, timeout=0.1, retries=1).hf_paper("2401.00001")
    settle(api, 2)


def test_connection_refused_is_unavailable():
    client = ApiClient(github_api="http://127.0.0.1:9", retries=1, backoff=0, timeout=1, github_token="")
    with pytest.raises(ApiUnavailable, match="refused the connection"):
        client.github_repo("a", "b")


def test_malformed_json_is_an_item_error(api, sleeps, tmp_path):
    api.expect_request("/github/repos/a/b").respond_with_data('{"name": ', content_type="application/json")
    with pytest.raises(ApiError, match="malformed JSON"):
        make_client(api, sleeps, tmp_path).github_repo("a", "b")
    assert not list((tmp_path / "cache").glob("*.json"))  # nothing broken was cached


def test_other_client_errors_carry_the_api_message(api, sleeps):
    api.expect_request("/github/search/repositories").respond_with_json(
        {"message": "Validation Failed", "errors": []}, status=422
    )
    with pytest.raises(ApiError, match="HTTP 422: Validation Failed"):
        make_client(api, sleeps).github_search("x in:name")


def test_second_run_sends_if_none_match_and_reuses_the_cached_body(api, sleeps, tmp_path):
    etag = 'W/"5f3c0a"'

    def repo(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(json.dumps(REPO), content_type="application/json", headers={"ETag": etag})

    api.expect_request("/github/repos/sunlicai/HiCMAE").respond_with_handler(repo)
    first = make_client(api, sleeps, tmp_path)
    assert first.github_repo("sunlicai", "HiCMAE") == REPO
    second = make_client(api, sleeps, tmp_path)
    assert second.github_repo("sunlicai", "HiCMAE") == REPO
    assert (second.stats.full, second.stats.not_modified) == (0, 1)
    assert [request.headers.get("If-None-Match") for request, _ in api.log] == [None, etag]


def test_tokens_are_sent_but_never_cached_nor_shown(api, sleeps, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_SECRET_github_0123456789")
    monkeypatch.setenv("HF_TOKEN", "hf_SECRET_hugging_0123456789")
    api.expect_request("/github/repos/a/b").respond_with_json(REPO, headers={"ETag": '"1"'})
    api.expect_request("/hf/papers/2401.00001").respond_with_json({"id": "2401.00001"})
    api.expect_request("/github/repos/a/limited").respond_with_json(
        RATE_LIMITED, status=403, headers=limit_headers(0, 3600)
    )
    client = make_client(api, sleeps, tmp_path, github_token=None, hf_token=None)
    client.github_repo("a", "b")
    client.hf_paper("2401.00001")
    with pytest.raises(RateLimited) as raised:
        client.github_repo("a", "limited")
    sent = {request.path: request.headers.get("Authorization") for request, _ in api.log}
    assert sent["/github/repos/a/b"] == "Bearer ghp_SECRET_github_0123456789"
    assert sent["/hf/papers/2401.00001"] == "Bearer hf_SECRET_hugging_0123456789"
    cached = "".join(path.read_text() for path in (tmp_path / "cache").iterdir())
    assert "full_name" in cached
    for shown in (cached, repr(client), str(raised.value)):
        assert "SECRET" not in shown
    assert "GITHUB_TOKEN" not in str(raised.value)  # a token is set: no hint to set one


def test_names_from_text_cannot_reshape_the_api_path(api, sleeps):
    client = make_client(api, sleeps)
    for owner, name in (("..", "x"), ("a", "b/../../user"), ("a", "b?per_page=100"), ("", "b")):
        with pytest.raises(ApiError, match="not a GitHub owner or repository name"):
            client.github_repo(owner, name)
    with pytest.raises(ApiError, match="not an arXiv id"):
        client.hf_paper("../models")
    assert api.log == []


def test_json_is_read_as_utf8_without_a_charset(api, sleeps):
    body = json.dumps({"id": "2401.00001", "title": "Über Netze — 学習"}, ensure_ascii=False).encode("utf-8")
    api.expect_request("/hf/papers/2401.00001").respond_with_data(body, content_type="application/json")
    assert make_client(api, sleeps).hf_paper("2401.00001")["title"] == "Über Netze — 学習"

"""Downloading a source file (`kg fetch`): one GET, and every failure as one plain line, never a traceback.

``requests`` describes a failure in a few hundred characters of nested exceptions; a user needs to know
which host failed and the likely reason (no network, a slow server, an HTTP error).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import requests

from kg.core.errors import KgError

TIMEOUT = (10, 120)  # seconds to connect, to read


class FetchError(KgError):
    """An online source could not be reached, refused the request or sent something else than expected."""

    exit_code = 4


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


def get(
    url: str,
    params: Mapping[str, object] | None = None,
    *,
    session: requests.Session | None = None,
    timeout: tuple[float, float] = TIMEOUT,
) -> requests.Response:
    """The answer to a GET of ``url``, with a successful status; FetchError with one plain line otherwise."""
    host = host_of(url)
    http = session or requests.Session()
    try:
        response = http.get(url, params=params, timeout=timeout)
    except requests.Timeout:
        raise FetchError(f"{host} did not answer within {timeout[1]:g} s: try again later") from None
    except requests.ConnectionError:
        raise FetchError(f"cannot reach {host}: no network?") from None
    except requests.RequestException as error:
        raise FetchError(f"request to {host} failed: {type(error).__name__}") from None
    finally:
        if session is None:
            http.close()
    if response.status_code >= 400:
        reason = response.reason or "error"
        raise FetchError(f"{host} answered HTTP {response.status_code} {reason}")
    if "charset" not in response.headers.get("content-type", ""):
        response.encoding = "utf-8"
    return response

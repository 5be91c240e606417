"""What a SPARQL query must pass before Oxigraph sees it: read-only, local, shallow and short.

One check (:func:`check_query`) for both readers of untrusted queries, ``kg query`` and ``kg serve``:

- **updates** (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused with "updates are not accepted";
- **SERVICE** is refused: Oxigraph would otherwise send a request to any host the query names, so the
  check runs before the query is parsed, and no request ever leaves the machine;
- **nesting** deeper than :data:`MAX_DEPTH` groups, brackets or parentheses is refused *before* parsing,
  because Oxigraph's recursive-descent parser overflows its stack (and kills the process) on a few thousand
  nested ``{``;
- **length** over :data:`MAX_QUERY_CHARS` is refused.

The scan skips comments, strings and IRIs, so ``"SERVICE"`` in a literal or ``<urn:x:{>`` does not count.
SPARQL allows ``\\uXXXX`` escapes, so the scan runs over the text as written and over the text with its
escapes decoded: an escaped keyword or brace is caught either way.
"""

from __future__ import annotations

import re

from kg.errors import QueryError

MAX_QUERY_CHARS = 100_000
MAX_DEPTH = 64
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"})
UPDATES_REFUSED = "updates are not accepted: this endpoint is read-only"
SERVICE_REFUSED = "SERVICE is not accepted: queries run on this graph only and never reach other hosts"

_OPENERS, _CLOSERS = "{([", "})]"
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_LONG_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*(?:\'\'\'|$)', re.DOTALL
)
_SHORT_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*(?:"|$)|\'(?:[^\'\\\n]|\\.)*(?:\'|$)', re.MULTILINE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()\[\]<>,;]*)?")
_VARIABLE = re.compile(r"[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]*")


class GuardError(QueryError):
    """A query the guard refuses: an update, SERVICE, too deep or too long."""


def _decode_escapes(text: str) -> str:
    def decode(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(decode, text)


def scan(query: str) -> tuple[list[str], int]:
    """The query's keywords (upper-cased bare words; prefixed names and variables left out) and its
    deepest nesting of ``{ ( [``, skipping comments, strings and IRIs. Iterative: any depth is safe."""
    words: list[str] = []
    depth = deepest = 0
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
            i += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
            i += 1
        elif char == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif char == "<" and (match := _IRIREF.match(query, i)):
            i = match.end()
        elif char in "\"'":
            match = _LONG_STRING.match(query, i) or _SHORT_STRING.match(query, i)
            i = match.end() if match else i + 1
        elif char in "?$":
            i = _VARIABLE.match(query, i).end()
        elif match := _WORD.match(query, i):
            if ":" not in match.group(0):
                words.append(match.group(0).upper())
            i = match.end()
        else:
            i += 1
    return words, deepest


def check_query(query: str, *, max_chars: int = MAX_QUERY_CHARS, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`GuardError` unless ``query`` is a read-only, local query of sane size and depth."""
    if len(query) > max_chars:
        raise GuardError(f"the query is {len(query):,} characters long; the limit is {max_chars:,}")
    texts = [query]
    decoded = _decode_escapes(query)
    if decoded != query:
        texts.append(decoded)
    for text in texts:
        words, deepest = scan(text)
        if deepest > max_depth:
            raise GuardError(f"the query nests {deepest} levels deep; the limit is {max_depth}")
        form = next((word for word in words if word not in ("BASE", "PREFIX")), None)
        if form in UPDATE_KEYWORDS or (form not in QUERY_FORMS and UPDATE_KEYWORDS & set(words)):
            raise GuardError(UPDATES_REFUSED)
        if "SERVICE" in words:
            raise GuardError(SERVICE_REFUSED)

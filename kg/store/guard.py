"""What a SPARQL query must pass before Oxigraph sees it: read-only, local, shallow and short.

One check (:func:`check_query`) for both readers of untrusted queries, ``kg query`` and ``kg serve``:

- **updates** (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused with "updates are not accepted";
- **SERVICE** is refused: Oxigraph would otherwise send a request to any host the query names, so the
  check runs before the query is parsed, and no request ever leaves the machine;
- **nesting** deeper than :data:`MAX_DEPTH` groups, brackets or parentheses is refused *before* parsing,
  because Oxigraph's recursive-descent parser overflows its stack (and kills the process) on a few thousand
  nested ``{``;
- **size**: more than :data:`MAX_TERMS` operators, keywords and separators is refused as "too complex":
  Oxigraph recurses on the algebra it builds, and a left-deep chain of a few thousand ``+``, ``!``,
  ``UNION``, ``MINUS`` or ``BIND`` overflowed its stack (SIGSEGV, issue 24) though the text was short;
- **length** over :data:`MAX_QUERY_CHARS` is refused.

The scan skips comments, strings, IRIs, variables and the local part of prefixed names (escapes such as
``:a\\#`` included), so ``"SERVICE"`` in a literal or ``<urn:x:{>`` does not count. Oxigraph reads
keywords without a word boundary (``SERVICE:x {`` is a SERVICE to the IRI ``:x``), so any bare word or
prefix holding ``SERVICE`` is refused. SPARQL allows ``\\uXXXX`` escapes, so the scan runs over the text
as written and over the text with its escapes decoded: an escaped keyword or brace is caught either way.

This check is the polite refusal; it is not the only barrier. User queries run on a thread that cannot
open a network socket (:mod:`kg.store.sandbox`), on a stack sized for many times :data:`MAX_TERMS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.core.errors import QueryError

MAX_QUERY_CHARS = 100_000
MAX_DEPTH = 64
MAX_TERMS = 2_000  # operators, keywords and separators; the shipped queries use at most a few hundred
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"})
UPDATES_REFUSED = "updates are not accepted: this endpoint is read-only"
SERVICE_REFUSED = "SERVICE is not accepted: queries run on this graph only and never reach other hosts"
TOO_COMPLEX = "the query was too complex for the query engine; simplify it"

_OPENERS, _CLOSERS = "{([", "})]"
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_LONG_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*(?:\'\'\'|$)', re.DOTALL
)
_SHORT_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*(?:"|$)|\'(?:[^\'\\\n]|\\.)*(?:\'|$)', re.MULTILINE)
_LOCAL = r"(?:[\w\-.:\u00b7]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])*"
_PNAME = re.compile(r"((?:[^\W\d_][\w\-.\u00b7]*)?):" + _LOCAL)  # prefix (group 1) and local part
_WORD = re.compile(r"[A-Za-z_]\w*")
_VARIABLE = re.compile(r"[?$][\w\u00b7]*")
_OPERATORS = "+-*/!&|=<>^.;,"


class GuardError(QueryError):
    """A query the guard refuses: an update, SERVICE, too deep or too long."""


def _decode_escapes(text: str) -> str:
    def decode(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(decode, text)


@dataclass
class Scan:
    """What the guard reads in a query: its keywords, prefixes, deepest nesting and size in terms."""

    words: list[str] = field(default_factory=list)  # bare words, upper-cased (keywords, function names)
    prefixes: list[str] = field(default_factory=list)  # the prefix part of each prefixed name, upper-cased
    deepest: int = 0
    terms: int = 0  # operators, separators, brackets and bare words: what Oxigraph's algebra grows with


def scan(query: str) -> Scan:
    """Read ``query`` as Oxigraph's tokenizer would, skipping comments, strings, IRIs, variables and the
    local part of prefixed names. Iterative: any depth is safe."""
    found = Scan()
    depth = 0
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char in _OPENERS:
            depth += 1
            found.deepest = max(found.deepest, depth)
            found.terms += 1
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
        elif match := _PNAME.match(query, i):
            found.prefixes.append(match.group(1).upper())
            i = match.end()
        elif match := _WORD.match(query, i):
            found.words.append(match.group(0).upper())
            found.terms += 1
            i = match.end()
        else:
            found.terms += char in _OPERATORS
            i += 1
    return found


def check_query(
    query: str,
    *,
    max_chars: int = MAX_QUERY_CHARS,
    max_depth: int = MAX_DEPTH,
    max_terms: int = MAX_TERMS,
) -> None:
    """Raise :class:`GuardError` unless ``query`` is a read-only, local query of sane size and depth."""
    if len(query) > max_chars:
        raise GuardError(f"the query is {len(query):,} characters long; the limit is {max_chars:,}")
    texts = [query]
    decoded = _decode_escapes(query)
    if decoded != query:
        texts.append(decoded)
    for text in texts:
        found = scan(text)
        if found.deepest > max_depth:
            raise GuardError(f"the query nests {found.deepest} levels deep; the limit is {max_depth}")
        if found.terms > max_terms:
            raise GuardError(
                f"{TOO_COMPLEX}: it has {found.terms:,} operators, keywords and separators; "
                f"the limit is {max_terms:,}"
            )
        words = found.words
        form = next((word for word in words if word not in ("BASE", "PREFIX")), None)
        if form in UPDATE_KEYWORDS or (form not in QUERY_FORMS and UPDATE_KEYWORDS & set(words)):
            raise GuardError(UPDATES_REFUSED)
        if any("SERVICE" in word for word in words + found.prefixes):
            raise GuardError(SERVICE_REFUSED)

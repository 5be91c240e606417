"""SPARQL text tools shared by the local store and remote endpoints: parameters, prefixes, error messages.

Parameters are bound by an inline ``VALUES`` block placed at the start of the query's WHERE group, the
values written by pyoxigraph's own term serialiser (an IRI is validated, a literal escaped), so a value
is always exactly one RDF term and never query text. A VALUES block at the top of the group is joined
before the group's FILTERs run, so ``FILTER(!BOUND(?since) || ...)`` gives optional parameters.
(pyoxigraph's own ``substitutions`` refuses a variable the SELECT does not project, which most
parameters are not, and a remote endpoint has no binding API at all: one mechanism serves both.)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.core.errors import QueryError
from kg.core.namespaces import PREFIXES

VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'",
    re.DOTALL,
)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\uffff]+)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()<>,;]*)?")
_PREFIXED = re.compile(r"^[A-Za-z][\w\-.]*:[\w\-.:%/]+$")


@dataclass(frozen=True)
class Token:
    kind: str  # "{", "}", "word" (keyword or prefixed name) or "var"
    text: str
    start: int


def tokens(query: str) -> list[Token]:
    """The query's braces, keywords and variables, skipping comments, strings and IRIs."""
    out: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif (
            char == "<"
            and (match := _IRIREF.match(query, i))
            or char in "\"'"
            and (match := _STRING.match(query, i))
        ):
            i = match.end()
        elif char in "{}":
            out.append(Token(char, char, i))
            i += 1
        elif char in "?$" and (match := _VARIABLE.match(query, i)):
            out.append(Token("var", match.group(1), i))
            i = match.end()
        elif (char.isalpha() or char == "_") and (match := _WORD.match(query, i)):
            out.append(Token("word", match.group(0), i))
            i = match.end()
        else:
            i += 1
    return out


_HEAD_TOKEN = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>|([A-Za-z_][\w\-.]*)?:([^\s{}()<>,;]*)|([A-Za-z]+)')


def dataset_clause(query: str) -> tuple[list[str], list[str]]:
    """The IRIs of the query's ``FROM`` and ``FROM NAMED`` clauses, prefixed names expanded (the query's
    own PREFIXes, then kg's), read from the text before its first ``{``; comments and strings skipped."""
    head: list[str] = []
    i, n = 0, len(query)
    while i < n and query[i] != "{":
        char = query[i]
        if char == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif char == "<" and (match := _IRIREF.match(query, i)):
            head.append(match.group(0))
            i = match.end()
        elif char in "\"'" and (match := _STRING.match(query, i)):
            i = match.end()
        else:
            head.append(char)
            i += 1
    prefixes = dict(PREFIXES)
    defaults: list[str] = []
    named: list[str] = []
    words = [m for m in _HEAD_TOKEN.finditer("".join(head))]
    for index, match in enumerate(words):
        keyword = (match.group(4) or "").upper()
        following = words[index + 1 : index + 3]
        if keyword == "PREFIX" and len(following) == 2 and following[1].group(1) is not None:
            prefixes[following[0].group(2) or ""] = following[1].group(1)
        elif keyword == "FROM" and following:
            target, into = following[0], defaults
            if (target.group(4) or "").upper() == "NAMED" and len(following) == 2:
                target, into = following[1], named
            if target.group(1) is not None:
                into.append(target.group(1))
            elif target.group(3) is not None and (target.group(2) or "") in prefixes:
                into.append(prefixes[target.group(2) or ""] + target.group(3))
    return defaults, named


def query_variables(query: str) -> set[str]:
    """Every variable name the query mentions (``?x`` and ``$x``)."""
    return {token.text for token in tokens(query) if token.kind == "var"}


def where_group_start(query: str) -> int:
    """Offset just after the ``{`` opening the query's top-level WHERE group.

    That is the first top-level ``{`` after the keyword WHERE, or, when the query omits WHERE
    (``SELECT * { ... }``, ``ASK { ... }``), the first top-level ``{`` at all.
    """
    depth, after_where, first = 0, False, None
    for token in tokens(query):
        if token.kind == "{":
            if depth == 0:
                if after_where:
                    return token.start + 1
                if first is None:
                    first = token.start + 1
            depth += 1
        elif token.kind == "}":
            depth = max(0, depth - 1)
        elif token.kind == "word" and depth == 0 and token.text.upper() == "WHERE":
            after_where = True
    if first is None:
        raise QueryError("the query has no { } group to bind parameters in")
    return first


def parse_param(text: str) -> tuple[str, str]:
    """``"name=value"`` (the CLI's ``--param``) -> ``("name", "value")``."""
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not VARNAME.fullmatch(name):
        raise QueryError(f"--param takes name=value with a SPARQL variable name, not {text!r}")
    return name, value


def param_term(value: str | Node) -> ox.NamedNode | ox.Literal:
    """A parameter value as one RDF term: ``<iri>`` or a known ``prefix:local`` is an IRI, else a literal."""
    if isinstance(value, URIRef):
        return _iri(str(value))
    if isinstance(value, Literal):
        return to_oxigraph(value)
    if isinstance(value, BNode):
        raise QueryError("a blank node cannot be a query parameter")
    text = str(value)
    if text.startswith("<") and text.endswith(">"):
        return _iri(text[1:-1])
    if _PREFIXED.match(text):
        prefix, _, local = text.partition(":")
        if prefix in PREFIXES:
            return _iri(PREFIXES[prefix] + local)
    return ox.Literal(text)


def is_iri_param(value: str) -> bool:
    """True when a parameter value spells an IRI (``<...>`` or a known ``prefix:local``), not a string."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return True
    return bool(_PREFIXED.match(text)) and text.partition(":")[0] in PREFIXES


def is_valid_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI the store can hold (what a page key must be before a query)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _iri(text: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text)
    except ValueError as error:
        raise QueryError(f"invalid IRI parameter <{text}>: {error}") from None


def bind_params(query: str, params: Mapping[str, str | Node | Sequence[str | Node]] | None) -> str:
    """The query with ``VALUES (?a ?b) { (term term) }`` at the start of its WHERE group.

    A list of values gives one row per value (a name resolved to several nodes): ``{ (a) (b) }``.
    """
    if not params:
        return query
    known = query_variables(query)
    names = []
    for name in params:
        if not VARNAME.fullmatch(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
        if name not in known:
            raise QueryError(
                f"the query has no variable ?{name} to bind (it has: "
                f"{', '.join('?' + v for v in sorted(known)) or 'none'})"
            )
        names.append(name)
    columns = [
        [str(param_term(v)) for v in (value if isinstance(value, (list, tuple)) else [value])]
        for value in (params[name] for name in names)
    ]
    rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*columns))
    clause = f" VALUES ({' '.join('?' + name for name in names)}) {{ {rows} }} "
    at = where_group_start(query)
    return query[:at] + clause + query[at:]


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_oxigraph(term) -> Node:
    """A pyoxigraph term as the rdflib term; xsd:string literals become plain literals, as rdflib writes them."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return (
            Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
        )
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported term: {term!r}")


_POSITION = re.compile(r"error at (\d+):(\d+)")
_CHAR_CLASS = re.compile(r",?\s*\[[^\[\]]*(?:\.\.=|\\u\{)[^\[\]]*\]", re.DOTALL)


def syntax_message(message: str, query: str) -> str:
    """The parser's message made readable: position, unknown prefixes named, the line with a caret."""
    text = " ".join(_CHAR_CLASS.sub("", message).split())
    position = _POSITION.search(message)
    if position is None:
        return f"SPARQL syntax error: {text}"
    line_no, column = int(position.group(1)), int(position.group(2))
    lines = query.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    if "Prefix not found" in message:
        prefix = _prefix_before(line, column)
        known = ", ".join(sorted(PREFIXES))
        text = (
            f"unknown prefix {prefix + ':' if prefix else ''} at line {line_no}, column {column}; "
            f"declare it with PREFIX or use one of the predeclared prefixes: {known}"
        )
    else:
        text = f"SPARQL syntax error at line {line_no}, column {column}: " + text.split(": ", 1)[-1]
    caret = " " * max(0, column - 1) + "^"
    return f"{text}\n  {line}\n  {caret}"


def _prefix_before(line: str, column: int) -> str:
    """The prefix of the prefixed name the parser stopped in or just after."""
    head = line[: max(0, column - 1)]
    match = re.search(r"([A-Za-z][\w\-.]*)?:[\w\-.%]*$", head)
    if match is None:
        match = re.match(r"([A-Za-z][\w\-.]*)?:", line[max(0, column - 1) :])
    return (match.group(1) or "") if match else ""

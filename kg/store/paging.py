"""Reading a SELECT answer in pages from a server that caps its answers (Virtuoso's ``ResultSetMaxRows``).

The user's query is kept whole as a subquery, so its meaning (DISTINCT, GROUP BY, its own LIMIT) does not
change; kg only orders its solutions and slices them:

    SELECT ?a ?b WHERE { { SELECT ?a ?b WHERE { { USER QUERY } } } }
    ORDER BY <user's keys> ?a ?b OFFSET k LIMIT cap

Sorting by every projected variable after the user's own keys makes the order total (rows that tie are
equal), so consecutive pages neither overlap nor skip. For Virtuoso the sort moves into the subquery and
only the slice stays outside, as it asks ("Sorted TOP clause specifies more than N rows ... use a
scrollable cursor"). A query whose rows cannot be put in one stable order this way is refused with the
reason, never read in part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.core.errors import EndpointError
from kg.store.sparql import Token, tokens

QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
AFTER_ORDER_BY = {"LIMIT", "OFFSET", "VALUES"}


@dataclass(frozen=True)
class PagedSelect:
    """A SELECT query split so it can be wrapped: prologue, FROM clauses, the rest, and its ORDER BY keys."""

    prologue: str  # PREFIX/BASE declarations before the SELECT
    dataset: str  # FROM / FROM NAMED clauses, moved to the outer query (a subquery cannot have them)
    body: str  # from SELECT to the end, FROM clauses cut out
    order_keys: str  # the text after the top-level ORDER BY, or ""
    variables: tuple[str, ...]

    def page(self, offset: int, size: int, *, sort_inside: bool = False) -> str:
        """Rows ``offset`` to ``offset + size`` of the answer in its stable order.

        SPARQL orders a query's own solutions only, so the sort goes beside OFFSET and LIMIT; Virtuoso
        refuses to sort more than MaxSortedTopRows that way and asks for the sort in a subquery instead
        (``sort_inside``), whose order it keeps."""
        projection = " ".join(f"?{name}" for name in self.variables)
        order = f"ORDER BY {self.order_keys}\n{projection}"
        inner = f"{{ SELECT {projection} WHERE {{ {{\n{self.body}\n}} }}"
        if sort_inside:
            inner += f"\n{order}"
        return (
            f"{self.prologue}\nSELECT {projection}\n{self.dataset}\nWHERE {{ {inner} }} }}\n"
            f"{'' if sort_inside else order}\nOFFSET {offset} LIMIT {size}"
        )

    def count(self) -> str:
        """A query for the number of rows the whole answer has (duplicates included)."""
        name = "rows"
        while name in self.variables:
            name += "_"
        return (
            f"{self.prologue}\nSELECT (COUNT(*) AS ?{name})\n{self.dataset}\nWHERE {{ {{\n{self.body}\n}} }}"
        )


def paged_select(query: str, variables: list[str]) -> PagedSelect:
    """Split ``query`` (a SELECT projecting ``variables``) for paging, or say why it cannot be paged."""
    found = tokens(query)
    top = _top_level(found)
    form = next((t for t in top if t.kind == "word" and t.text.upper() in QUERY_FORMS), None)
    if form is None or form.text.upper() != "SELECT":
        raise EndpointError("only a SELECT answer can be read in pages")
    if not variables:
        raise EndpointError("the answer names no variables to page by")
    words = [t for t in top if t.kind == "word" and t.start > form.start]
    upper = [t.text.upper() for t in words]
    dataset, body = _cut_dataset_clauses(query, found, form)
    order_keys = ""
    for i, word in enumerate(upper[:-1]):
        if word == "ORDER" and upper[i + 1] == "BY":
            start = words[i + 1].start + len(words[i + 1].text)
            end = next((t.start for t in words[i + 2 :] if t.text.upper() in AFTER_ORDER_BY), len(query))
            order_keys = query[start:end].strip() + "\n"
            order_vars = {t.text for t in found if t.kind == "var" and start <= t.start < end}
            unknown = sorted(order_vars - set(variables))
            if unknown:
                raise EndpointError(
                    "cannot read it in pages in the query's own order: its ORDER BY uses "
                    f"{', '.join('?' + v for v in unknown)}, which the SELECT does not return"
                )
    if not order_keys and ({"LIMIT", "OFFSET"} & set(upper)):
        raise EndpointError(
            "cannot read it in pages: a LIMIT or OFFSET without ORDER BY may pick different rows on every "
            "request; add an ORDER BY"
        )
    return PagedSelect(query[: form.start], dataset, body, order_keys, tuple(variables))


def query_form(query: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the query's first top-level query-form keyword, upper-cased."""
    form = next(
        (t for t in _top_level(tokens(query)) if t.kind == "word" and t.text.upper() in QUERY_FORMS), None
    )
    return form.text.upper() if form else None


def top_level_limit(query: str) -> int | None:
    """The number in the query's own top-level ``LIMIT n`` (not a subquery's), or None."""
    found = tokens(query)
    for token in reversed(_top_level(found)):
        if token.kind == "word" and token.text.upper() == "LIMIT":
            match = re.match(r"\s*(\d+)", query[token.start + len(token.text) :])
            return int(match.group(1)) if match else None
    return None


def _top_level(found: list[Token]) -> list[Token]:
    """The tokens outside every { } group."""
    depth, out = 0, []
    for token in found:
        if token.kind == "{":
            depth += 1
        elif token.kind == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(token)
    return out


def _cut_dataset_clauses(query: str, found: list[Token], form: Token) -> tuple[str, str]:
    """The top-level ``FROM <g>`` / ``FROM NAMED <g>`` clauses, and the query from SELECT without them."""
    first_group = next((t.start for t in found if t.kind == "{" and t.start > form.start), len(query))
    froms = [
        t
        for t in found
        if t.kind == "word" and t.text.upper() == "FROM" and form.start < t.start < first_group
    ]
    if not froms:
        return "", query[form.start :]
    ends = [_clause_end(query, t.start) for t in froms]
    dataset = "\n".join(query[start.start : end] for start, end in zip(froms, ends))
    body, at = [], form.start
    for start, end in zip(froms, ends):
        body.append(query[at : start.start])
        at = end
    body.append(query[at:])
    return dataset, " ".join(body)


def _clause_end(query: str, start: int) -> int:
    """The end of ``FROM [NAMED] <iri>`` or ``FROM [NAMED] prefix:name`` starting at ``start``."""
    rest = query[start + len("FROM") :]
    stripped = rest.lstrip()
    at = start + len("FROM") + len(rest) - len(stripped)
    if stripped[:5].upper() == "NAMED":
        rest = stripped[5:]
        stripped = rest.lstrip()
        at += 5 + len(rest) - len(stripped)
    if stripped.startswith("<"):
        return at + stripped.index(">") + 1
    end = at
    while end < len(query) and not query[end].isspace() and query[end] not in "{<":
        end += 1
    return end

"""Full-text search over the store: an SQLite FTS5 index of paper titles and abstracts and entity names.

Built by ``kg serve`` at start, from the store's contents, into ``<store>.search.sqlite`` beside the store
folder; a fingerprint of the store's files is kept in the index, so a restart over an unchanged store reuses
it and a rebuilt store gets a fresh one. When the folder beside the store is not writable the index is
built in memory instead. Ranking is FTS5's BM25 with names weighted over abstracts, and exact name matches
first.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from kg.core.domain import ENTITY_KINDS
from kg.store import Store

INDEX_VERSION = "1"
HIT_START, HIT_END = "\x02", "\x03"  # snippet markers: never in text the site shows
_TOKEN = re.compile(r"\w+", re.UNICODE)

PAPERS_QUERY = """
SELECT ?item ?title ?abstract ?date WHERE {
  ?item a kg:Paper ; schema:name ?title .
  OPTIONAL { ?item schema:abstract ?abstract }
  OPTIONAL { ?item schema:datePublished ?date }
}"""
ENTITIES_QUERY = """
SELECT ?item ?class ?name ?alt WHERE {
  VALUES ?class { CLASSES }
  ?item a ?class .
  OPTIONAL { ?item skos:prefLabel ?pref }
  OPTIONAL { ?item rdfs:label ?label }
  BIND(COALESCE(?pref, ?label, REPLACE(STR(?item), "^.*/", "")) AS ?name)
  OPTIONAL { ?item skos:altLabel ?alt }
}""".replace("CLASSES", " ".join(f"kg:{kind.rdf_class}" for kind in ENTITY_KINDS))
KIND_OF_CLASS = {kind.rdf_class: kind.name for kind in ENTITY_KINDS}  # local name of the class -> kind


@dataclass(frozen=True)
class Hit:
    kind: str  # "paper", "method", "dataset", ...
    iri: str
    title: str
    snippet: str  # text with HIT_START/HIT_END around the matched words
    date: str = ""


def store_fingerprint(store_dir: Path) -> str:
    """Names, sizes and times of the store's files: changes whenever the store is written."""
    digest = hashlib.sha1(INDEX_VERSION.encode())
    for path in sorted(store_dir.iterdir()):
        if path.is_file() and path.name != "LOCK" and not path.name.startswith("LOG"):
            stat = path.stat()
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def index_path(store_dir: Path) -> Path:
    return store_dir.with_name(store_dir.name + ".search.sqlite")


class SearchIndex:
    """The FTS5 index; ``search`` is safe to call from many threads."""

    def __init__(self, connection: sqlite3.Connection, location: str) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self.location = location

    @classmethod
    def open(cls, store: Store, store_dir: Path | None) -> SearchIndex:
        """The index for ``store``: reused from beside the store when its fingerprint matches, else built."""
        if store_dir is not None:
            fingerprint = store_fingerprint(store_dir)
            path = index_path(store_dir)
            existing = _open_existing(path, fingerprint)
            if existing is not None:
                return cls(existing, str(path))
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                connection = sqlite3.connect(temporary)
                _fill(connection, store, fingerprint)
                connection.close()
                os.replace(temporary, path)
                return cls(_connect(path), str(path))
            except (OSError, sqlite3.Error):
                temporary.unlink(missing_ok=True)
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(connection, store, "")
        return cls(connection, ":memory:")

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        match = fts_query(text)
        if not match:
            return []
        with self._lock:
            rows = self._connection.execute(
                f"""SELECT kind, iri, title, date,
                          snippet(docs, 3, '{HIT_START}', '{HIT_END}', '…', 24),
                          lower(title) = lower(?) AS exact
                   FROM docs WHERE docs MATCH ?
                   ORDER BY exact DESC, bm25(docs, 0.0, 0.0, 10.0, 1.0, 0.0) LIMIT ?""",
                (text.strip(), match, limit),
            ).fetchall()
        return [
            Hit(kind, iri, title, snippet or "", date or "") for kind, iri, title, date, snippet, _ in rows
        ]

    def __len__(self) -> int:
        with self._lock:
            return self._connection.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def close(self) -> None:
        self._connection.close()


def fts_query(text: str) -> str:
    """User text as an FTS5 query: every word must appear, the last one as a prefix (search as you type).
    Words are quoted, so FTS5's own syntax (AND, NEAR, column filters, quotes) is never interpreted."""
    words = _TOKEN.findall(text)[:20]
    if not words:
        return ""
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def _open_existing(path: Path, fingerprint: str) -> sqlite3.Connection | None:
    if not path.is_file():
        return None
    try:
        connection = _connect(path)
        row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    except sqlite3.Error:
        return None
    if row is None or row[0] != fingerprint:
        connection.close()
        return None
    return connection


def _fill(connection: sqlite3.Connection, store: Store, fingerprint: str) -> None:
    connection.executescript(
        """DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS meta;
           CREATE VIRTUAL TABLE docs USING fts5(kind UNINDEXED, iri UNINDEXED, title, body,
                                                date UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
           CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"""
    )
    papers = (
        ("paper", str(row["item"]), str(row["title"]), str(row.get("abstract", "")), str(row.get("date", "")))
        for row in store.query(PAPERS_QUERY).dicts()
    )
    connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", papers)
    entities: dict[str, tuple[str, str, set[str]]] = {}
    for row in store.query(ENTITIES_QUERY).dicts():
        iri = str(row["item"])
        kind = KIND_OF_CLASS[str(row["class"]).rsplit("#", 1)[-1]]
        _, _, alternatives = entities.setdefault(iri, (kind, str(row["name"]), set()))
        if "alt" in row:
            alternatives.add(str(row["alt"]))
    connection.executemany(
        "INSERT INTO docs VALUES (?, ?, ?, ?, '')",
        (
            (kind, iri, name, " · ".join(sorted(alts - {name})))
            for iri, (kind, name, alts) in entities.items()
        ),
    )
    connection.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
    connection.commit()

"""Paper + Extraction -> RDF: the shape of the graph, determinism, and no blank nodes."""

from __future__ import annotations

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.core.identity import slug
from kg.core.namespaces import KG, SCHEMA
from kg.core.papers import Paper
from kg.extraction.records import Entity, Extraction
from kg.graph import build_graph, paper_triples
from kg.graph.build import RDFLIB, Names, ntriples_chunk, safe_iri
from kg.graph.iris import entity_iri, paper_graph_iri, paper_iri, repository_iri


def paper_graph(pair) -> Graph:
    """One paper's graph as a build's store shows it: its named graph and the labels derived from it."""
    return build_graph([pair], with_vocabularies=False)


def test_paper_is_a_scholarly_article_with_title_abstract_and_date(eagle_paper):
    paper, _ = eagle_paper
    graph = paper_graph(eagle_paper)
    node = paper_iri(paper)
    assert (node, RDF.type, SCHEMA.ScholarlyArticle) in graph
    assert graph.value(node, SCHEMA.name) == Literal(paper.title)
    assert graph.value(node, SCHEMA.abstract) == Literal(paper.abstract)
    assert graph.value(node, SCHEMA.datePublished) == Literal("2025-03-03", datatype=XSD.date)
    assert graph.value(node, KG.arxivId) == Literal("2503.01840")


def test_paper_iri_is_its_arxiv_id_else_a_title_hash():
    with_id = Paper(title="A title", arxiv_id="https://arxiv.org/abs/2401.00001v3")
    assert str(paper_iri(with_id)).endswith("/paper/2401.00001")
    spaced = Paper(title="  A   Title! ")
    assert paper_iri(spaced) == paper_iri(Paper(title="a title"))
    assert paper_iri(spaced) != paper_iri(Paper(title="another title"))


def test_entities_are_typed_linked_and_labelled(eagle_paper):
    paper, _ = eagle_paper
    graph = paper_graph(eagle_paper)
    node = paper_iri(paper)
    dataset = entity_iri("dataset", "MT-bench")
    assert (node, KG.evaluatedOn, dataset) in graph
    assert (dataset, RDF.type, SCHEMA.Dataset) in graph
    assert graph.value(dataset, SKOS.prefLabel) == Literal("MT-bench")
    assert (node, KG.proposes, entity_iri("method", "EAGLE-3")) in graph
    assert (node, KG.measuredBy, entity_iri("metric", "speedup ratio")) in graph


def test_repository_is_software_source_code(eagle_paper):
    paper, _ = eagle_paper
    graph = paper_graph(eagle_paper)
    repo = repository_iri("https://github.com/SafeAILab/EAGLE")
    assert (paper_iri(paper), KG.hasRepository, repo) in graph
    assert (repo, RDF.type, SCHEMA.SoftwareSourceCode) in graph
    assert graph.value(repo, SCHEMA.codeRepository) == URIRef("https://github.com/SafeAILab/EAGLE")


def test_every_mention_keeps_evidence_that_slices_to_its_surface_form(eagle_paper):
    paper, _ = eagle_paper
    graph = paper_graph(eagle_paper)
    mentions = list(graph.subjects(RDF.type, KG.Mention))
    assert len(mentions) == 6  # 5 entities used + 1 proposed
    for mention in mentions:
        evidence = graph.value(mention, KG.evidence)
        field = str(graph.value(evidence, KG.textField))
        text = paper.title if field == "title" else paper.abstract
        start, end = int(graph.value(evidence, KG.startOffset)), int(graph.value(evidence, KG.endOffset))
        assert text[start:end] == str(graph.value(mention, KG.surfaceForm))


def test_result_carries_metric_value_dataset_and_method(eagle_paper):
    graph = paper_graph(eagle_paper)
    (result,) = graph.subjects(RDF.type, KG.Result)
    assert graph.value(result, KG.value) == Literal("6.5x")
    assert graph.value(result, KG.numericValue).toPython() == 6.5
    assert graph.value(result, KG.onDataset) == entity_iri("dataset", "MT-bench")
    assert graph.value(result, KG.ofMethod) == entity_iri("method", "EAGLE-3")
    assert graph.value(result, KG.resultKind) == KG.RatioResult  # a factor is no leaderboard score


def test_lineage_is_a_direct_edge_and_a_reified_link(eagle_paper):
    paper, _ = eagle_paper
    graph = paper_graph(eagle_paper)
    child, parent = entity_iri("method", "EAGLE-3"), entity_iri("method", "EAGLE")
    assert child != parent
    assert (child, KG.extends, parent) in graph
    assert (child, KG.lineage, parent) in graph
    (link,) = graph.subjects(RDF.type, KG.LineageLink)
    assert graph.value(link, KG.statedIn) == paper_iri(paper)
    assert graph.value(link, KG.relation) == KG.extends


def test_same_input_same_graph_and_no_blank_nodes(eagle_paper):
    first, second = paper_graph(eagle_paper), paper_graph(eagle_paper)
    assert isomorphic(first, second)
    assert to_isomorphic(first) == to_isomorphic(second)
    assert not any(isinstance(term, BNode) for triple in first for term in triple)


def test_build_graph_includes_the_vocabularies(eagle_paper):
    graph = build_graph([eagle_paper])
    assert len(graph) > len(paper_graph(eagle_paper))
    assert any(graph.subjects(RDF.type, SKOS.Concept))


def test_slug_is_ascii_and_never_empty():
    assert slug("Top-1 Accuracy") == "top-1-accuracy"
    assert slug("DyGIE++") == "dygieplusplus"
    assert slug("日本語") and slug("日本語").isascii()
    assert slug("日本語") != slug("中文")


def hostile_paper(eagle_paper) -> tuple[Paper, object]:
    """The eagle paper with text and URLs that N-Triples must escape: quotes, backslashes, line breaks."""
    paper, extraction = eagle_paper
    paper.title = 'EAGLE-3: "Scaling" up \\ Inference\r Acceleration \u00e9\u4e2d'
    paper.authors = ['Yuhui "Y" Li', "Back\\slash"]
    paper.repository = "https://github.com/odd/repo name<x>"
    paper.project_page = "https://example.org/a b"
    extraction.methods[0].aliases = ['EAGLE "three"\nv3']
    return paper, extraction


def test_ntriples_spelling_is_the_same_graph_as_rdflib_terms(eagle_paper):
    pair = hostile_paper(eagle_paper)
    chunk = ntriples_chunk([pair, pair], union=True)
    assert chunk.papers == 2
    assert chunk.quad_count == chunk.quads.count("\n")
    text = chunk.text + "".join(text for _, text in chunk.shared.values())
    assert chunk.triples + sum(count for count, _ in chunk.shared.values()) == text.count("\n")
    names = Names()
    for node, canonical, forms in chunk.names[: len(chunk.names) // 2]:  # the same paper twice: once
        names.add(node, canonical, forms)
    labels = Graph()
    for triple in names.triples(RDFLIB):
        labels.add(triple)
    parsed = Graph().parse(data=text, format="nt") + labels
    assert set(parsed) == set(paper_graph(pair))
    quads = Dataset()
    quads.parse(data=chunk.quads, format="nquads")
    in_graphs = list(quads.quads((None, None, None, None)))
    assert {graph for *_, graph in in_graphs} == {paper_graph_iri(pair[0].key)}
    assert {(s, p, o) for s, p, o, _ in in_graphs} | set(labels) == set(paper_graph(pair))


def test_untrusted_urls_become_valid_iris_or_nothing():
    assert safe_iri("https://github.com/a/b") == "https://github.com/a/b"
    assert safe_iri(' https://x.org/a b<c>"d" ') is None
    assert safe_iri("javascript:alert(4)") is None
    assert safe_iri("x:a> . <urn:evil:s> <urn:evil:p> <urn:evil:o") is None
    assert safe_iri("not a url") is None
    assert safe_iri("") is None
    graph = paper_graph((Paper(title="T", url="see the website"), Extraction(paper_id="t")))
    assert not list(graph.objects(None, SCHEMA.url))


def test_a_paper_graph_holds_only_that_paper_and_the_names_it_gives(eagle_paper):
    paper, extraction = eagle_paper
    triples = list(paper_triples(paper, extraction))
    dataset = entity_iri("dataset", "MT-bench")
    assert (dataset, KG.canonicalName, Literal("MT-bench")) in triples
    assert not any(p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) for _, p, _ in triples)  # derived


def test_name_variants_of_one_node_get_one_pref_label_and_alt_labels(eagle_paper):
    paper, extraction = eagle_paper
    variant = Paper(title="Another paper", abstract=paper.abstract.replace("MT-bench", "MT-Bench"))
    renamed = Extraction(
        paper_id=variant.id,
        datasets=[
            Entity(
                name="MT-Bench",
                type="dataset",
                canonical="MT-Bench",
                confidence=0.9,
                evidence=extraction.datasets[0].evidence,
            )
        ],
    )
    graph = build_graph([eagle_paper, (variant, renamed)], with_vocabularies=False)
    reordered = build_graph([(variant, renamed), eagle_paper], with_vocabularies=False)
    assert isomorphic(graph, reordered)  # labels never depend on the order papers are met in
    dataset = entity_iri("dataset", "MT-bench")
    assert dataset == entity_iri("dataset", "MT-Bench")
    # one paper each: the tie goes to the first in code-point order
    assert list(graph.objects(dataset, SKOS.prefLabel)) == [Literal("MT-Bench")]
    assert list(graph.objects(dataset, SKOS.altLabel)) == [Literal("MT-bench")]
    assert list(graph.objects(dataset, RDFS.label)) == [Literal("MT-Bench")]
    third = Paper(title="A third paper", abstract=paper.abstract)
    majority = build_graph([(variant, renamed), eagle_paper, (third, extraction)], with_vocabularies=False)
    assert list(majority.objects(dataset, SKOS.prefLabel)) == [Literal("MT-bench")]  # two papers to one
    every_method = set(graph.subjects(RDF.type, KG.Method))
    assert every_method and all(len(list(graph.objects(m, SKOS.prefLabel))) == 1 for m in every_method)

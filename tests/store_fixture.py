"""A small, fixed graph for the store, query and export tests: four papers built with kg.graph.

ResNet (2016-01, code) <- ResNeXt (2016-11, code, extends ResNet) <- SENet (2017-09, no code, based on
ResNeXt); BERT (2018-10, no code, a project page). ImageNet is used by the three vision papers, each
reporting a top-1 accuracy on it.
"""

from __future__ import annotations

from rdflib import Graph

from kg.core.papers import Paper
from kg.extraction.records import Entity, Evidence, Extraction, LineageEdge, Link, Result
from kg.graph import build_graph


def _evidence(text: str, name: str) -> Evidence:
    start = text.index(name)
    return Evidence(field="abstract", sentence=text, start=start, end=start + len(name))


def _paper(
    title: str,
    arxiv_id: str,
    date: str,
    abstract: str,
    *,
    methods=(),
    datasets=(),
    metrics=(),
    tasks=(),
    techniques=(),
    proposed=(),
    repo: str | None = None,
    page: str | None = None,
    results=(),
    lineage=(),
) -> tuple[Paper, Extraction]:
    paper = Paper(
        title=title, abstract=abstract, arxiv_id=arxiv_id, date=date, authors=["A. Author"], project_page=page
    )

    def entities(names, kind):
        return [
            Entity(name=n, type=kind, canonical=n, confidence=0.9, evidence=_evidence(abstract, n))
            for n in names
        ]

    extraction = Extraction(
        paper_id=paper.id,
        methods=entities(methods, "method"),
        techniques=entities(techniques, "technique"),
        datasets=entities(datasets, "dataset"),
        metrics=entities(metrics, "metric"),
        tasks=entities(tasks, "task"),
        proposed=entities(proposed, "method"),
        repos=[Link(url=repo, kind="repository", evidence=_evidence(abstract, repo))] if repo else [],
        results=[
            Result(
                metric=m,
                value=v,
                kind=kind[0] if kind else "score",
                dataset=d,
                method=me,
                confidence=0.8,
                evidence=_evidence(abstract, v),
            )
            for m, v, d, me, *kind in results
        ],
        lineage=[
            LineageEdge(child=c, parent=p, relation=r, confidence=0.9, evidence=_evidence(abstract, p))
            for c, p, r in lineage
        ],
    )
    return paper, extraction


def fixture_pairs() -> list[tuple[Paper, Extraction]]:
    resnet = _paper(
        "Deep Residual Learning for Image Recognition",
        "1512.03385",
        "2016-01",
        "We present ResNet for image classification with batch normalization. ResNet reaches 76.1% top-1 accuracy on ImageNet. "
        "Code: https://github.com/KaimingHe/deep-residual-networks",
        methods=["ResNet"],
        datasets=["ImageNet"],
        metrics=["top-1 accuracy"],
        tasks=["image classification"],
        techniques=["batch normalization"],
        proposed=["ResNet"],
        repo="https://github.com/KaimingHe/deep-residual-networks",
        results=[("top-1 accuracy", "76.1%", "ImageNet", "ResNet")],
    )
    resnext = _paper(
        "Aggregated Residual Transformations for Deep Neural Networks",
        "1611.05431",
        "2016-11",
        "ResNeXt extends ResNet. ResNeXt reaches 80.9% top-1 accuracy on ImageNet and runs on CIFAR-10. "
        "On ImageNet its top-1 accuracy is 4.8% higher than ResNet's. "
        "Code: https://github.com/facebookresearch/ResNeXt",
        methods=["ResNeXt", "ResNet"],
        datasets=["ImageNet", "CIFAR-10"],
        metrics=["top-1 accuracy"],
        proposed=["ResNeXt"],
        repo="https://github.com/facebookresearch/ResNeXt",
        results=[
            ("top-1 accuracy", "80.9%", "ImageNet", "ResNeXt"),
            ("top-1 accuracy", "4.8%", "ImageNet", "ResNeXt", "change"),
        ],
        lineage=[("ResNeXt", "ResNet", "extends")],
    )
    senet = _paper(
        "Squeeze-and-Excitation Networks",
        "1709.01507",
        "2017-09",
        "SENet is based on ResNeXt. SENet reaches 82.7% top-1 accuracy on ImageNet.",
        methods=["SENet", "ResNeXt"],
        datasets=["ImageNet"],
        metrics=["top-1 accuracy"],
        proposed=["SENet"],
        results=[("top-1 accuracy", "82.7%", "ImageNet", "SENet")],
        lineage=[("SENet", "ResNeXt", "based_on")],
    )
    bert = _paper(
        "BERT: Pre-training of Deep Bidirectional Transformers",
        "1810.04805",
        "2018-10",
        "BERT improves on ELMo. BERT reaches 80.5 GLUE score on GLUE.",
        methods=["BERT", "ELMo"],
        datasets=["GLUE"],
        metrics=["GLUE score"],
        proposed=["BERT"],
        page="https://bert.example.org/",
        results=[("GLUE score", "80.5", "GLUE", "BERT")],
        lineage=[("BERT", "ELMo", "improves_on")],
    )
    return [resnet, resnext, senet, bert]


def fixture_graph() -> Graph:
    """The fixture as an rdflib Graph, without the shipped vocabularies (kept small and fixed)."""
    return build_graph(fixture_pairs(), with_vocabularies=False)

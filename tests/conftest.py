"""Shared fixtures: a small valid dataset built from the schemas' own examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from claimbench.data.write import update_manifest

if TYPE_CHECKING:
    from claimbench.report.model import Report
    from tests.report_fixtures import Page

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FNC1_DIR = SHARED / "data" / "fnc1"

ARTICLE_TEXT = (
    "Bridge reopens after repairs\n"
    "The 300-metre (984ft) bridge reopened on Monday, the council said. "
    "Residents said it was still closed."
)


def _span(text: str, part: str, start: int = 0) -> list[int]:
    i = text.index(part, start)
    return [i, i + len(part)]


def tiny_records() -> dict[str, list[dict[str, Any]]]:
    """Articles, claims and relations of a tiny valid dataset (fresh copies on each call)."""
    t = ARTICLE_TEXT
    claim1 = "The 300-metre (984ft) bridge reopened on Monday"
    claim2 = "it was still closed"
    return {
        "articles": [
            {
                "id": "a1",
                "title": "Bridge reopens after repairs",
                "text": t,
                "publisher": "Example Gazette",
                "published": "2020-03-03",
                "language": "en",
                "authors": [],
            }
        ],
        "claims": [
            {
                "id": "c1",
                "text": claim1,
                "article_id": "a1",
                "span": _span(t, claim1),
                "section": "body",
                "claim_type": "numeric",
                "check_worthiness": "high",
                "attribution": {
                    "source_id": "council",
                    "speaker": "the council",
                    "speaker_type": "government",
                    "speaker_span": _span(t, "the council"),
                    "verb": "said",
                    "verb_span": _span(t, "said"),
                },
                "quantities": [
                    {
                        "span": _span(t, "300-metre"),
                        "text": "300-metre",
                        "value": 300,
                        "unit": "meter",
                        "qualifier": "exact",
                        "entity": "bridge length",
                    },
                    {
                        "span": _span(t, "984ft"),
                        "text": "984ft",
                        "value": 984,
                        "unit": "foot",
                        "qualifier": "exact",
                    },
                ],
                "times": [
                    {"span": _span(t, "Monday"), "text": "Monday", "value": "2020-03-02", "kind": "date"}
                ],
                "proposition": "bridge-open",
                "numeric_consistency": {"label": "consistent", "rationale": "300 m = 984.25 ft ≈ 984 ft."},
            },
            {
                "id": "c2",
                "text": claim2,
                "article_id": "a1",
                "span": _span(t, claim2),
                "section": "body",
                "claim_type": "reported_speech",
                "check_worthiness": "medium",
                "attribution": {"source_id": "residents", "speaker": "Residents", "speaker_type": "other"},
                "proposition": "bridge-open",
                "numeric_consistency": {"label": "not_applicable", "rationale": "No numbers or dates."},
            },
        ],
        "relations": [
            {
                "id": "r1",
                "claim_id": "c1",
                "other_claim_id": "c2",
                "label": "disagree",
                "rationale": "Open vs still closed.",
                "proposition": "bridge-open",
            }
        ],
    }


def write_records(root: Path, records: dict[str, list[dict[str, Any]]]) -> Path:
    """Write records as a dataset directory with a correct manifest."""
    root.mkdir(parents=True, exist_ok=True)
    for key, rows in records.items():
        (root / f"{key}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    manifest = {
        "id": "tiny",
        "title": "A tiny dataset",
        "version": "1.0.0",
        "description": "Two claims about a bridge.",
        "created": "2020-03-03",
        "counts": {},
        "licence": {"text": "Invented for tests.", "annotations": "CC0-1.0"},
        "citation": {"title": "A tiny dataset", "authors": ["claimbench contributors"], "year": 2020},
    }
    update_manifest(root, manifest)
    return root


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    """A valid dataset directory with one article, two claims and one relation."""
    return write_records(tmp_path / "tiny", tiny_records())


def requires_fnc1() -> pytest.MarkDecorator:
    """Skip a test when the FNC-1 training data (../shared/data/fnc1) is not beside the checkout."""
    return pytest.mark.skipif(
        not (FNC1_DIR / "train_stances.csv").is_file(),
        reason=f"FNC-1 training data not found at {FNC1_DIR} (it lives in ../shared beside the checkout)",
    )


@pytest.fixture(scope="module")
def report() -> Report:
    """The sample report of tests/report_fixtures.py (the HTML tests share one per module)."""
    from tests.report_fixtures import sample_report

    return sample_report()


@pytest.fixture(scope="module")
def document(report: Report) -> str:
    """The sample report rendered as report.html."""
    from claimbench.report.html import render_html

    return render_html(report)


@pytest.fixture(scope="module")
def page(document: str) -> Page:
    """The rendered page, parsed."""
    from tests.report_fixtures import parse

    return parse(document)

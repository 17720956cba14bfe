"""The report's figures: inline SVG that is deterministic, self-contained and safe to paste into a page."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from claimbench.report.model import TaskScores
from claimbench.report.plots import confusion_svg, f1_bars_svg, reliability_svg, svg_key
from tests.report_fixtures import sample_report


@pytest.fixture(scope="module")
def scores() -> tuple[TaskScores, ...]:
    return sample_report().scores


def _figures(scores: tuple[TaskScores, ...], key: str) -> list[str]:
    return [
        confusion_svg(scores[0], key=f"{key}-c"),
        f1_bars_svg(scores[:2], key=f"{key}-f"),
        reliability_svg(scores[:2], key=f"{key}-r"),
    ]


def test_figures_are_deterministic(scores: tuple[TaskScores, ...]) -> None:
    assert _figures(scores, "a") == _figures(scores, "a")


def test_figures_are_inline_ready_and_reach_for_nothing_outside(scores: tuple[TaskScores, ...]) -> None:
    for svg in _figures(scores, "a"):
        assert svg.startswith('<svg class="plot" id="a-')
        for absent in ("<?xml", "<!DOCTYPE", "<!--", "<metadata>", "xmlns"):
            assert absent not in svg
        assert not re.search(r"https?:", svg), "an external URL in a figure"


def test_every_id_and_reference_carries_the_key(scores: tuple[TaskScores, ...]) -> None:
    """Two figures in one page never share an id, and each refers only to its own."""
    first, second = (" ".join(_figures(scores, key)) for key in ("one", "two"))
    ids_one = set(re.findall(r'\bid="([^"]+)"', first))
    ids_two = set(re.findall(r'\bid="([^"]+)"', second))
    assert ids_one
    assert ids_two
    assert not ids_one & ids_two
    assert all(i.startswith("one-") for i in ids_one)
    for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', first):
        assert ref in ids_one, f"{ref} refers outside its figure"


def test_a_hostile_checker_name_is_escaped(scores: tuple[TaskScores, ...]) -> None:
    hostile = replace(scores[0], checker='x"><script>alert(1)</script>\u202e')
    svg = confusion_svg(hostile, key="h")
    assert "<script>" not in svg
    assert "\u202e" not in svg  # shown as ⟨U+202E⟩, never applied
    assert "⟨U+202E⟩" in svg


def test_a_task_without_labels_says_so(scores: tuple[TaskScores, ...]) -> None:
    svg = confusion_svg(replace(scores[0], labels=(), confusion=()), key="e")
    assert "no labels, no confusion matrix" in svg


def test_svg_key_is_a_valid_id() -> None:
    assert svg_key("mosul 2016", "numeric_consistency", "a/b") == "fig-mosul_2016-numeric_consistency-a_b"
    assert svg_key() == "fig"


def test_drawing_leaves_pyplot_and_the_backend_alone() -> None:
    """Reports are drawn without pyplot, so a notebook's own plots and backend are untouched."""
    code = (
        "import matplotlib, sys\n"
        "before = dict.__getitem__(matplotlib.rcParams, 'backend')  # get_backend() loads pyplot\n"
        "from claimbench.report.plots import confusion_svg\n"
        "from tests.report_fixtures import sample_report\n"
        "confusion_svg(sample_report().scores[0], key='k')\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
        "assert dict.__getitem__(matplotlib.rcParams, 'backend') == before\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr

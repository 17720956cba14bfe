"""The report's figures, drawn with matplotlib and returned as inline SVG strings.

Every function returns markup ready to paste into an HTML5 page: no XML prolog, DOCTYPE, comments,
metadata or namespace URLs, so the page contains no external URL at all; every ``id`` is prefixed with
the caller's ``key`` so several figures can live in one document without clashing; and the output is
byte-for-byte deterministic (fixed ``svg.hashsalt``, no date) so a report can be diffed. Text stays text
(``svg.fonttype = "none"``), which keeps the files small and lets the reader search and copy it.

Every figure is a :class:`~matplotlib.figure.Figure` given the non-interactive Agg canvas explicitly
(reports are written by batch jobs and CI runners without a display). Nothing goes through ``pyplot``
and the global backend is left alone, so importing claimbench in a notebook does not change the
user's own plots; the style is applied with ``rc_context`` and does not leak either.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from claimbench._display import reveal
from claimbench.report.model import TaskScores

__all__ = ["PALETTE", "confusion_svg", "f1_bars_svg", "reliability_svg", "svg_key"]

PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
"""Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; one per checker."""

_RC: dict[Any, Any] = {  # keys: matplotlib rcParams names
    "svg.hashsalt": "claimbench",
    "svg.fonttype": "none",
    "svg.id": None,
    "text.parse_math": False,  # a label such as "$5m" must print as written
    "text.usetex": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.edgecolor": "#555555",
    "axes.labelcolor": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
    "figure.dpi": 72.0,
}

_TAG = re.compile(r"<[^>]*>")
_KEY_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def svg_key(*parts: str) -> str:
    """A valid, readable id prefix made of ``parts`` (e.g. dataset, task, checker, figure kind)."""
    key = "-".join(_KEY_CHARS.sub("_", p).strip("_") for p in parts if p)
    return f"fig-{key}" if key else "fig"


def confusion_svg(scores: TaskScores, *, key: str, title: bool = True) -> str:
    """A heatmap of ``scores.confusion``: rows gold, columns predicted, in ``scores.labels`` order.

    Cells are coloured by the share of their row (recall per gold label), so a rare label's row is as
    readable as a common one's, and each cell prints its count. ``title``: name the checker above the
    matrix (leave it out where the page already says it).
    """
    labels = list(scores.labels)
    n = len(labels)
    # n × n whatever the report holds (a task without items may carry an empty matrix)
    counts = [
        [
            scores.confusion[i][j] if i < len(scores.confusion) and j < len(scores.confusion[i]) else 0
            for j in range(n)
        ]
        for i in range(n)
    ]
    if n == 0:
        return _empty("no labels, no confusion matrix", key, f"Confusion matrix of {scores.checker}")
    side = max(2.6, 0.55 * n + 1.7)
    with _figure(side + 0.3, side) as fig:
        ax = fig.add_subplot()
        shares = [[c / sum(row) if sum(row) else 0.0 for c in row] for row in counts]
        # pcolormesh, not imshow: vector cells stay crisp, where imshow would embed a blurred bitmap
        ax.pcolormesh(
            [i - 0.5 for i in range(n + 1)],
            [i - 0.5 for i in range(n + 1)],
            shares,
            cmap="Blues",
            vmin=0.0,
            vmax=1.0,
            edgecolors="white",
            linewidth=1.5,
        )
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_aspect("equal")
        for i, row in enumerate(counts):
            for j, count in enumerate(row):
                dark = shares[i][j] > 0.55
                ax.text(
                    j,
                    i,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if dark else "#222222",
                    fontweight="bold" if i == j else "normal",
                )
        ax.set_xticks(range(n), labels, rotation=35, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(n), labels)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        if title:
            ax.set_title(scores.checker, loc="left")
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.tick_params(length=0)
        return _svg(fig, key, f"Confusion matrix of {scores.checker} on {scores.task}")


def f1_bars_svg(scores: Sequence[TaskScores], *, key: str) -> str:
    """Per-label F1 as grouped bars: one group per label, one bar per checker (colour = checker)."""
    labels: list[str] = []
    for s in scores:
        labels.extend(label for label in s.labels if label not in labels)
    n_checkers = max(1, len(scores))
    width = 0.8 / n_checkers
    fig_width = min(9.5, max(4.2, 0.35 * len(labels) * n_checkers + 2.6))
    with _figure(fig_width, 2.7) as fig:
        ax = fig.add_subplot()
        show_values = len(labels) * n_checkers <= 16
        for k, s in enumerate(scores):
            xs = [i - 0.4 + width * (k + 0.5) for i in range(len(labels))]
            f1 = [s.per_label[label].f1 if label in s.per_label else math.nan for label in labels]
            bars = ax.bar(xs, f1, width * 0.92, label=s.checker, color=PALETTE[k % len(PALETTE)])
            if show_values:
                ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=1.5, color="#333333")
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylim(0.0, 1.08)
        ax.set_ylabel("F1")
        ax.yaxis.grid(True, color="#e4e4e4", linewidth=0.8)
        ax.set_axisbelow(True)
        if scores:
            ax.legend(
                loc="upper left",
                bbox_to_anchor=(1.0, 1.0),
                fontsize=8,
                handlelength=1.0,
                title="checker",
                title_fontsize=8,
            )
        return _svg(fig, key, "Per-label F1 by checker")


def reliability_svg(scores: Sequence[TaskScores], *, key: str) -> str:
    """A reliability diagram: each checker's accuracy against its mean confidence per bin.

    The diagonal is perfect calibration; marker area grows with the bin's item count; the legend gives
    each checker's expected calibration error when the report has it. Checkers without bins are skipped.
    """
    with _figure(4.6, 3.4) as fig:
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], linestyle="--", color="#999999", linewidth=1, label="perfect")
        for k, s in enumerate(scores):
            bins = [b for b in s.reliability if b.count > 0]
            if not bins:
                continue
            colour = PALETTE[k % len(PALETTE)]
            total = sum(b.count for b in bins)
            ece = s.metrics.get("ece")
            label = s.checker if ece is None else f"{s.checker} (ECE {ece.value:.3f})"
            xs = [b.confidence for b in bins]
            ys = [b.accuracy for b in bins]
            ax.plot(xs, ys, color=colour, linewidth=1.3, label=label)
            sizes = [12 + 160 * b.count / total for b in bins]
            ax.scatter(xs, ys, s=sizes, color=colour, alpha=0.75, edgecolors="white", linewidths=0.5)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.02)
        ax.set_xlabel("mean confidence")
        ax.set_ylabel("accuracy")
        ax.grid(True, color="#ececec", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", fontsize=8, handlelength=1.4)
        return _svg(fig, key, "Reliability diagram")


def _empty(message: str, key: str, label: str) -> str:
    """A small figure that says why there is nothing to plot."""
    with _figure(2.6, 1.0) as fig:
        fig.text(0.5, 0.5, message, ha="center", va="center", color="#666666")
        return _svg(fig, key, label)


@contextmanager
def _figure(width: float, height: float) -> Iterator[Figure]:
    """A fresh figure under claimbench's fixed style (inches), not registered with pyplot."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)  # the Agg backend, explicitly, for this figure only
        yield fig


def _svg(fig: Figure, key: str, label: str) -> str:
    """Serialise ``fig`` to inline-ready SVG markup (see the module docstring for what is removed)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
    return _clean_svg(buffer.getvalue(), key, label)


def _clean_svg(raw: str, key: str, label: str) -> str:
    key = _KEY_CHARS.sub("_", key) or "fig"
    text = reveal(raw[raw.index("<svg") :])  # labels are SVG text: bidirectional controls made visible
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.DOTALL)
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    # The default <style> is a document-wide "*{...}" rule once inlined; its two properties are
    # inherited, so they move onto the root element instead.
    text = re.sub(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", text, count=1, flags=re.DOTALL)

    def fix_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        tag = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", tag)
        tag = re.sub(r'\bid="([^"]*)"', rf'id="{key}-\1"', tag)
        tag = re.sub(r'href="#([^"]*)"', rf'href="#{key}-\1"', tag)
        return re.sub(r"url\(#([^)]*)\)", rf"url(#{key}-\1)", tag)

    text = _TAG.sub(fix_tag, text)
    root = (
        f'<svg class="plot" id="{key}" role="img" aria-label="{html.escape(reveal(label), quote=True)}" '
        'stroke-linejoin="round" stroke-linecap="butt"'
    )
    return root + text[len("<svg") :].rstrip() + "\n"

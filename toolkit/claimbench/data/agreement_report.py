"""An inter-annotator agreement report as JSON and as Markdown, and writing them (atomically)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimbench._io import write_text
from claimbench.data.agreement import AgreementReport
from claimbench.data.agreement_stats import FieldAgreement, as_category

__all__ = ["render_json", "render_markdown", "report_to_json", "write_agreement"]


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def report_to_json(report: AgreementReport) -> dict[str, Any]:
    """The report as a JSON object (figures rounded to 4 decimals, so it is stable across platforms)."""
    return {
        "a": dict(report.a),
        "b": dict(report.b),
        "settings": {
            "seed": report.seed,
            "resamples": report.resamples,
            "confidence": report.confidence,
            "bootstrap": "percentile, items resampled with replacement",
            "kappa": "sklearn.metrics.cohen_kappa_score",
            "alpha": "krippendorff.alpha",
        },
        "matching": [
            {
                "kind": m.kind,
                "a": m.n_a,
                "b": m.n_b,
                "matched": m.matched,
                "only_a": list(m.only_a),
                "only_b": list(m.only_b),
            }
            for m in report.matching
        ],
        "fields": [
            {
                "field": f.field,
                "level": f.level,
                "n": f.n,
                "missing": f.missing,
                "observed": _round(f.observed),
                "kappa": _round(f.kappa),
                "alpha_nominal": _round(f.alpha_nominal),
                "alpha_interval": _round(f.alpha_interval),
                "positive_agreement": _round(f.positive_agreement),
                "intervals": {
                    k: (None if v is None else [_round(v[0]), _round(v[1])]) for k, v in f.intervals.items()
                },
                "labels": list(f.labels),
                "confusion": [list(row) for row in f.confusion],
                "disagreements": [
                    {
                        "item": p.item,
                        "a": as_category(p.a),
                        "b": as_category(p.b),
                        "text": p.text,
                        "rationale_a": p.rationale_a,
                        "rationale_b": p.rationale_b,
                    }
                    for p in f.disagreements
                ],
            }
            for f in report.fields
        ],
    }


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _ci(f: FieldAgreement, key: str, value: float | None) -> str:
    ci = f.intervals.get(key)
    if value is None:
        return "–"
    return _fmt(value) + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci is not None else "")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(report: AgreementReport) -> str:
    """The report as Markdown: the summary table, the matching, confusion matrices and disagreements."""
    pct = round(report.confidence * 100)
    out = [
        "# Inter-annotator agreement",
        "",
        f"A: `{report.a['id']}` v{report.a['version']} (data checksum `{report.a['checksum'][:12]}`); "
        f"B: `{report.b['id']}` v{report.b['version']} (data checksum `{report.b['checksum'][:12]}`).",
        "",
        f"Cohen's kappa (scikit-learn), Krippendorff's alpha (the `krippendorff` package; nominal, and "
        f"interval for numeric values), observed agreement; {pct} % percentile-bootstrap intervals over the "
        f"items ({report.resamples} resamples, seed {report.seed}). Claims are matched by span, quantities "
        "and times by span within a matched claim, relations by the unordered pair of their claims' spans. "
        "`*.listed` and `relations.related` measure the choice of items: for `relations.related` over every "
        "pair of matched claims that either annotation attributes to different sources, plus every related "
        "pair; `*.listed` over the quantities (times) either annotator listed in a matched claim, so no item "
        "is unlisted by both and only observed and positive agreement are given; positive agreement is "
        "2·both / (A + B).",
        "",
        "| field | n | observed | Cohen's kappa | alpha (nominal) | alpha (interval) | positive agr. |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for f in report.fields:
        out.append(
            f"| {f.field} | {f.n} | {_ci(f, 'observed', f.observed)} | {_ci(f, 'kappa', f.kappa)} | "
            f"{_ci(f, 'alpha_nominal', f.alpha_nominal)} | {_ci(f, 'alpha_interval', f.alpha_interval)} | "
            f"{_fmt(f.positive_agreement)} |"
        )
    out += [
        "",
        "## Matching",
        "",
        "| items | A | B | matched | only in A | only in B |",
        "|---|---:|---:|---:|---|---|",
    ]
    for m in report.matching:
        out.append(
            f"| {m.kind} | {m.n_a} | {m.n_b} | {m.matched} | {_cell(', '.join(m.only_a)) or '–'} | "
            f"{_cell(', '.join(m.only_b)) or '–'} |"
        )
    out += ["", "## Confusion matrices", "", "Rows: A's label; columns: B's label.", ""]
    for f in report.fields:
        if not f.labels or f.level == "interval" or len(f.labels) > 12:
            continue
        out += [f"### {f.field}", "", "| A \\ B | " + " | ".join(f.labels) + " |"]
        out.append("|---|" + "---:|" * len(f.labels))
        for label, row in zip(f.labels, f.confusion, strict=True):
            out.append(f"| {label} | " + " | ".join(str(x) for x in row) + " |")
        out.append("")
    out += ["## Disagreements", ""]
    for f in report.fields:
        if not f.disagreements:
            continue
        out += [
            f"### {f.field} ({len(f.disagreements)})",
            "",
            "| item | A | B | text | A's rationale | B's rationale |",
        ]
        out.append("|---|---|---|---|---|---|")
        for p in f.disagreements:
            out.append(
                f"| {_cell(p.item)} | {_cell(as_category(p.a))} | {_cell(as_category(p.b))} | "
                f"{_cell(p.text)} | {_cell(p.rationale_a)} | {_cell(p.rationale_b)} |"
            )
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_json(report: AgreementReport) -> str:
    """The JSON report as text: indented, keys in a fixed order, one final newline."""
    import json

    return json.dumps(report_to_json(report), ensure_ascii=False, indent=2) + "\n"


def write_agreement(report: AgreementReport, json_path: Path | None, markdown_path: Path | None) -> None:
    """Write the JSON and/or Markdown report, each atomically."""
    if json_path is not None:
        write_text(json_path, render_json(report))
    if markdown_path is not None:
        write_text(markdown_path, render_markdown(report))

"""What every part of the HTML report uses: escaping, clipping, unique element ids and the stylesheet."""

from __future__ import annotations

import html
import re

from claimbench._display import reveal

__all__ = ["CSS", "MAX_NOTE_CHARS", "Ids", "clip", "e"]

MAX_NOTE_CHARS = 500
"""Longest explanation or error shown in a tooltip or table cell (the full text is in predictions.csv)."""


def e(value: object) -> str:
    """Escape any value for HTML text and attribute values, bidirectional controls made visible."""
    return html.escape(reveal(str(value)), quote=True)


def clip(text: str, limit: int = MAX_NOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Ids:
    """Unique, valid element ids built from report names (which may hold any character)."""

    _UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def new(self, *parts: str) -> str:
        base = "-".join(self._UNSAFE.sub("_", p).strip("_") or "x" for p in parts)
        candidate, n = base, 1
        while candidate in self._seen:
            n += 1
            candidate = f"{base}-{n}"
        self._seen.add(candidate)
        return candidate


CSS = """
:root {
  --fg: #1d1f23; --muted: #5f6670; --line: #dfe2e6; --bg: #ffffff; --panel: #f6f7f9;
  --accent: #0b5cad;
  --right-bg: #d7f0e4; --right: #00845f; --wrong-bg: #fbe1d5; --wrong: #c4510a;
  --mixed-bg: #fdefc3; --mixed: #b57a00; --none-bg: #e9ebee; --none: #7c838d;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
}
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 28px; }
header { padding-top: 28px; border-bottom: 1px solid var(--line); padding-bottom: 14px; }
h1 { font-size: 1.75rem; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 1.35rem; margin: 40px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 26px 0 8px; }
h4 { font-size: 0.98rem; margin: 0 0 6px; }
.sep { color: var(--muted); font-weight: 400; }
.lede { color: var(--muted); margin: 0 0 10px; }
.note { color: var(--muted); font-size: 0.9rem; margin: 4px 0 12px; max-width: 80ch; }
.warn { color: var(--wrong); font-size: 0.9rem; }
.run-failed { border: 2px solid var(--wrong); color: var(--wrong); padding: 8px 14px; margin: 0 0 12px; }
nav ol { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 4px 18px; }
nav a { color: var(--accent); text-decoration: none; font-size: 0.92rem; }
nav a:hover { text-decoration: underline; }
code, .hash {
  font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 0.86em;
}
.hash { word-break: break-all; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 0.9rem; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th {
  border-bottom: 2px solid #c9ced4; font-weight: 600; white-space: nowrap; background: var(--panel);
}
tbody th { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ci { color: var(--muted); font-size: 0.82em; }
.ci.bad, .err { color: var(--wrong); }
.missing { color: #a4a9b0; }
table.headline { font-size: 0.92rem; }
table.headline th, table.headline td { padding: 5px 8px; }
table.headline tr.group th { padding-top: 14px; font-size: 0.86rem; color: var(--muted); font-weight: 600;
  border-bottom: 1px solid #c9ced4; }
table.headline tbody th[scope="row"] { padding-left: 18px; white-space: nowrap; }
table.compact { font-size: 0.84rem; }
table.compact th, table.compact td { padding: 3px 8px; }
tr.sig td { background: #f3f8ff; }
table.checkers tbody th { white-space: nowrap; }
table.checkers td:nth-child(4) { max-width: 26ch; }
table.checkers td:nth-child(5) { max-width: 32ch; overflow-wrap: anywhere; }
.figrow { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
figure { margin: 0 0 10px; }
figcaption { color: var(--muted); font-size: 0.8rem; max-width: 46ch; }
svg.plot { display: block; max-width: 100%; height: auto; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(370px, 1fr)); gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fff;
  overflow-x: auto; }
.card table { width: 100%; margin-bottom: 4px; }
.card table.compact th, .card table.compact td { padding: 3px 6px; }
.card svg.plot { width: 100%; max-width: 360px; }
article.doc { border: 1px solid var(--line); border-radius: 10px; padding: 4px 22px 14px; margin: 18px 0; }
.legend { font-size: 0.85rem; color: var(--muted); }
.text {
  white-space: pre-wrap; font-family: Georgia, "Times New Roman", "DejaVu Serif", serif;
  font-size: 1.05rem; line-height: 1.8; max-width: 78ch; margin: 10px 0 16px; overflow-wrap: break-word;
}
mark.claim {
  color: inherit; background: var(--none-bg); border-bottom: 2px solid var(--none);
  padding: 0.12em 0; border-radius: 2px; cursor: help;
}
mark.claim.right { background: var(--right-bg); border-bottom-color: var(--right); }
mark.claim.wrong { background: var(--wrong-bg); border-bottom-color: var(--wrong); }
mark.claim.mixed { background: var(--mixed-bg); border-bottom-color: var(--mixed); }
mark.claim mark.claim { padding: 0; border-bottom-style: double; border-bottom-width: 4px;
  box-shadow: inset 0 0 0 100vmax rgba(0, 0, 0, 0.045); }
mark.claim:hover { outline: 1px solid rgba(0, 0, 0, 0.35); }
.badges {
  font: 600 0.7rem/1 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  vertical-align: super; margin: 0 2px 0 1px; white-space: nowrap; cursor: help; unicode-bidi: isolate;
}
.cn { display: inline-block; min-width: 1.5em; padding: 2px 3px; border-radius: 7px; text-align: center;
  background: #454b54; color: #fff; }
.cn.right { background: var(--right); } .cn.wrong { background: var(--wrong); }
.cn.mixed { background: var(--mixed); } .cn.unchecked { background: var(--none); }
.vd { display: inline-block; min-width: 1.25em; padding: 2px 2px; margin-left: 1px; border-radius: 3px;
  text-align: center; color: #fff; background: var(--none); }
.vd.ok { background: var(--right); } .vd.wrong { background: var(--wrong); }
.vd.failed { background: #6d3fa0; } .vd.nogold, .vd.none { background: var(--none); }
td .vd { font-size: 0.75rem; font-weight: 700; }
.why { color: var(--muted); font-size: 0.8rem; white-space: pre-wrap; }
details.claims summary, details summary { cursor: pointer; color: var(--accent); font-size: 0.92rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 0.88rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-word; }
pre {
  background: var(--panel); padding: 10px 12px; border-radius: 6px; overflow-x: auto; font-size: 0.82rem;
}
footer { color: var(--muted); font-size: 0.8rem; padding-top: 30px; padding-bottom: 30px; }
@media print { nav { display: none; } .card, article.doc { break-inside: avoid; } }
"""

"""Upgrading datasets from record schema 1.0.0 to 1.1.0.

Schema 1.1.0 only adds to 1.0.0 — a ``qualifier`` on time expressions, the strict quantity qualifiers
``more_than`` and ``less_than``, ``attributions`` (the reporting chain) and
``numeric_consistency.other_claim_ids`` — so a 1.0.0 dataset loads as it is. Migrating makes what 1.0.0
could not say explicit where the article text says it unambiguously, by the trigger words of the
guideline's qualifier table, and nothing else:

- a quantity qualified ``at_least`` whose text is preceded by "more than", "over" or "upwards of" becomes
  ``more_than``; ``at_most`` preceded by "fewer than", "less than" or "under" becomes ``less_than``; a
  conversion in parentheses right after such a figure inherits its qualifier;
- a time expression gets ``qualifier``: from the words it starts with ("more than two years" →
  ``more_than``, "within the next two weeks" → ``at_most``, "before dawn" → ``before`` …), else ``exact``;
- the manifest gets ``schema_version`` 1.1.0.

Reporting chains and the other claims of cross-claim checks cannot be derived from the text; they are
left for an annotator. Every change is listed, so it can be reviewed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimbench._io import write_text
from claimbench.data.dataset import load_dataset
from claimbench.data.layout import MANIFEST
from claimbench.data.schema import SCHEMA_VERSION, read_json
from claimbench.data.write import update_manifest

_STRICT_BEFORE: Mapping[str, re.Pattern[str]] = {
    "at_least": re.compile(r"(?i:\b(?:more\s+than|over|upwards\s+of)\s+)\Z"),
    "at_most": re.compile(r"(?i:\b(?:fewer\s+than|less\s+than|under)\s+)\Z"),
}
_STRICT = {"at_least": "more_than", "at_most": "less_than"}
_TIME_TRIGGERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i:more\s+than|over)\s"), "more_than"),
    (re.compile(r"(?i:at\s+least)\s"), "at_least"),
    (re.compile(r"(?i:fewer\s+than|less\s+than|under)\s"), "less_than"),
    (re.compile(r"(?i:within|up\s+to|at\s+most|no\s+more\s+than)\s"), "at_most"),
    (re.compile(r"(?i:before)\s"), "before"),
    (re.compile(r"(?i:after)\s"), "after"),
    (re.compile(r"(?i:about|around|roughly|approximately|some)\s"), "approximate"),
)


@dataclass(frozen=True, slots=True)
class Change:
    """One field the migration set: where, and from what to what."""

    record: str
    path: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.record}: {self.path}: {self.old!r} -> {self.new!r}"


def time_qualifier(text: str) -> str:
    """The qualifier a time expression's own words give it ("within the next two weeks" → ``at_most``)."""
    for pattern, qualifier in _TIME_TRIGGERS:
        if pattern.match(text):
            return qualifier
    return "exact"


def migrate_claim(
    record: Mapping[str, Any], article_text: str | None = None
) -> tuple[dict[str, Any], list[Change]]:
    """A 1.0.0 claim record as 1.1.0, with the changes made (``article_text`` is the claim's article's).

    Without the article text only time qualifiers are set (from the expressions' own words).
    """
    out: dict[str, Any] = json.loads(json.dumps(record))
    rid = str(out.get("id", "?"))
    changes: list[Change] = []
    quantities = out.get("quantities", [])
    for i, q in enumerate(quantities):
        old = q.get("qualifier")
        if article_text is None or old not in _STRICT:
            continue
        before = article_text[max(0, q["span"][0] - 40) : q["span"][0]]
        inherited = (
            i > 0
            and quantities[i - 1]["qualifier"] == _STRICT[old]
            and article_text[quantities[i - 1]["span"][1] : q["span"][0]].strip() == "("
        )
        if _STRICT_BEFORE[old].search(before) or inherited:
            q["qualifier"] = _STRICT[old]
            changes.append(Change(rid, f"$.quantities[{i}].qualifier", old, q["qualifier"]))
    for i, t in enumerate(out.get("times", [])):
        if "qualifier" not in t:
            t["qualifier"] = time_qualifier(t["text"])
            changes.append(Change(rid, f"$.times[{i}].qualifier", None, t["qualifier"]))
    return out, changes


def migrate_dataset(path: str | Path) -> list[Change]:
    """Upgrade the dataset directory at ``path`` to schema 1.1.0 in place; returns the changes made.

    The dataset must load (validate) first. The claims file is rewritten atomically, then the manifest
    (``schema_version`` and checksums). Its ``version`` is left alone: the data changed, so bump it
    (see the dataset's CHANGELOG). A dataset already at 1.1.0 is left as it is.
    """
    root = Path(path)
    root = root.parent if root.name == MANIFEST else root
    manifest, problems = read_json(root / MANIFEST, "manifest")
    if manifest is None:
        from claimbench.data.dataset import DatasetError

        raise DatasetError(root, problems)
    if manifest.get("schema_version") == SCHEMA_VERSION:
        return []
    dataset = load_dataset(root)
    texts = {i: a.text for i, a in dataset.articles.items()}
    claims_file = root / manifest["files"]["claims"]["path"]
    lines, changes = [], []
    with claims_file.open(encoding="utf-8") as handle:
        for raw in handle:
            record = json.loads(raw)
            new, made = migrate_claim(record, texts.get(record.get("article_id") or ""))
            lines.append(json.dumps(new, ensure_ascii=False) + "\n")
            changes.extend(made)
    write_text(claims_file, "".join(lines))
    manifest = {**manifest, "schema_version": SCHEMA_VERSION}
    manifest = {k: manifest[k] for k in _manifest_order(manifest)}
    update_manifest(root, manifest)
    changes.append(Change(MANIFEST, "$.schema_version", None, SCHEMA_VERSION))
    load_dataset(root)  # the result validates, or this raises
    return changes


def _manifest_order(manifest: Mapping[str, Any]) -> list[str]:
    """The manifest's keys with ``schema_version`` right after ``version``."""
    keys = [k for k in manifest if k != "schema_version"]
    at = keys.index("version") + 1 if "version" in keys else len(keys)
    return [*keys[:at], "schema_version", *keys[at:]]

"""Build ``second/`` (record schema 1.1.0) from the second annotator's raw output in ``second/raw/``.

The blind annotator worked against record schema 1.0.0 and listed in ``raw/gaps.jsonl`` what that schema
could not hold. This script copies its claims and relations and folds those gaps into the 1.1.0 fields:
``quantities[i].qualifier`` (``more_than``), ``times[i].qualifier``, ``times[i].value`` (anchored
durations), ``attributions`` (the newspaper → source chain; the newspaper entry has no spans, the last
entry is the claim's own ``attribution``) and ``numeric_consistency.other_claim_ids``. A gap whose value
would contradict the annotator's own record (a chain ending in another source than its ``attribution``)
or that 1.1.0 still cannot hold (an unlisted event-anchored time) is not folded and is listed on stdout.
Times without a ``times[i].qualifier`` gap are ``exact``, as the annotator's schema made them.

Run from the repository root: ``python datasets/mosul-2016/annotations/convert_second.py``, then
``claimbench manifest datasets/mosul-2016/annotations/second``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RAW = HERE / "second" / "raw"
OUT = HERE / "second"

_INDEXED = re.compile(r"^(quantities|times)\[(\d+)\]\.(qualifier|value)$")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _attribution(entry: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    if entry["source_id"] == own["source_id"]:
        return dict(own)
    return {
        "source_id": entry["source_id"],
        "speaker": entry["speaker"],
        "speaker_type": entry["speaker_type"],
        "speaker_span": None,
        "verb": entry.get("verb"),
        "verb_span": None,
    }


def _fold(claim: dict[str, Any], gap: dict[str, Any]) -> str | None:
    """Fold one gap into the claim; the reason when it cannot be folded."""
    field, value = gap["field"], gap["value"]
    if field == "numeric_consistency.other_claim_id":
        ids = claim["numeric_consistency"].setdefault("other_claim_ids", [])
        for other in [value] if isinstance(value, str) else value:
            if other not in ids:
                ids.append(other)
        return None
    if field == "attributions":
        own = claim["attribution"]
        if value[-1]["source_id"] != own["source_id"]:
            last = value[-1]["source_id"]
            return f"chain ends in {last!r}, but the annotator's attribution is {own['source_id']!r}"
        claim["attributions"] = [_attribution(entry, own) for entry in value]
        return None
    match = _INDEXED.match(field)
    if match is None:
        return "record schema 1.1.0 has no field for it"
    kind, index, key = match.group(1), int(match.group(2)), match.group(3)
    claim[kind][index][key] = value
    return None


def main() -> None:
    claims = _lines(RAW / "claims.jsonl")
    by_id = {c["id"]: c for c in claims}
    for claim in claims:
        for t in claim.get("times", []):
            t.setdefault("qualifier", "exact")
    for gap in _lines(RAW / "gaps.jsonl"):
        reason = _fold(by_id[gap["claim_id"]], gap)
        if reason is not None:
            print(f"not folded: {gap['claim_id']} {gap['field']}: {reason}")
    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims)
    (OUT / "claims.jsonl").write_text(text, encoding="utf-8")
    relations = (RAW / "relations.jsonl").read_text(encoding="utf-8")
    (OUT / "relations.jsonl").write_text(relations, encoding="utf-8")


if __name__ == "__main__":
    main()

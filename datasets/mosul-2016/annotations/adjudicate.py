"""Write the gold ``claims.jsonl`` and ``relations.jsonl`` of mosul-2016 from the two annotations and the
adjudication.

Start from the first annotation (``first/``), apply every decision of ``adjudication.jsonl`` — one per
disagreement of ``agreement.json``, plus the 1.1.0 fields that only the second annotation could fill — and
take from the second annotation (``second/``) what a decision adopts from it: a quantity it listed, a
relation it added (with its label and rationale, unless the decision gives a ``label`` or
``rationale``), its rationale when a relation label follows it, and its reporting chain. Relations
added get the next free ``mosul-rNN`` ids in the order of the decisions.

Run from the repository root: ``python datasets/mosul-2016/annotations/adjudicate.py`` (``--check`` exits 1
when the gold files differ from what it would write), then ``claimbench manifest datasets/mosul-2016``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent
SCHEMA = HERE.parents[2] / "schemas" / "claim.schema.json"

_PART = re.compile(r"^(mosul-c\d+) ([qt])\[(\d+),(\d+)\)$")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _part(claims: dict[str, Any], item: str) -> tuple[dict[str, Any], str, list[int]]:
    match = _PART.match(item)
    if match is None:
        raise ValueError(f"not a quantity or time item: {item!r}")
    kind = "quantities" if match.group(2) == "q" else "times"
    return claims[match.group(1)], kind, [int(match.group(3)), int(match.group(4))]


def _ordered(claim: dict[str, Any], order: list[str]) -> dict[str, Any]:
    out = {k: claim[k] for k in order if k in claim}
    gold = out.get("numeric_consistency")
    if gold is not None:
        out["numeric_consistency"] = {
            k: gold[k] for k in ("label", "rationale", "other_claim_ids") if k in gold
        }
    return out


def build() -> tuple[str, str]:
    """The text of the gold claims and relations files."""
    first = {c["id"]: c for c in _lines(HERE / "first" / "claims.jsonl")}
    second = {c["id"]: c for c in _lines(HERE / "second" / "claims.jsonl")}
    relations = _lines(HERE / "first" / "relations.jsonl")
    second_relations = _lines(HERE / "second" / "relations.jsonl")
    for cid, claim in first.items():
        if second[cid]["span"] != claim["span"]:
            raise ValueError(f"{cid}: the annotations give different spans")

    def pair(rel: dict[str, Any]) -> frozenset[str]:
        return frozenset((rel["claim_id"], rel["other_claim_id"]))

    next_id = 1 + max(int(r["id"].rsplit("r", 1)[1]) for r in relations)
    for d in _lines(HERE / "adjudication.jsonl"):
        field, item, final = d["field"], d["item"], d["final"]
        if field in ("claim_type", "check_worthiness"):
            first[item][field] = final
        elif field in ("times.value", "times.qualifier", "quantities.value", "quantities.qualifier"):
            claim, kind, span = _part(first, item)
            (part,) = [p for p in claim[kind] if p["span"] == span]
            part[field.split(".")[1]] = final
        elif field in ("quantities.listed", "times.listed"):
            claim, kind, span = _part(first, item)
            claim[kind] = [p for p in claim[kind] if p["span"] != span]
            if final == "yes":
                (part,) = [p for p in second[claim["id"]][kind] if p["span"] == span]
                claim[kind] = sorted([*claim[kind], part], key=lambda p: tuple(p["span"]))
        elif field == "relations.related":
            ends = frozenset(item.split(" ~ "))
            mine = [r for r in relations if pair(r) == ends]
            if final == "no":
                relations = [r for r in relations if pair(r) != ends]
            elif not mine:
                (theirs,) = [r for r in second_relations if pair(r) == ends]
                mine = [{**theirs, "id": f"mosul-r{next_id:02d}"}]
                relations.append(mine[0])
                next_id += 1
            if final == "yes" and "label" in d:
                mine[0]["label"] = d["label"]
            if final == "yes" and "rationale" in d:
                mine[0]["rationale"] = d["rationale"]
        elif field == "relations.label":
            rid, other = item.split(" ")[0], item.split(" ")[2]
            (rel,) = [r for r in relations if r["id"] == rid]
            (theirs,) = [r for r in second_relations if r["id"] == other]
            if final != rel["label"]:
                rel["label"] = final
                if final == theirs["label"]:
                    rel["rationale"] = theirs["rationale"]
        elif field == "attributions":
            chain = second[item]["attributions"]
            if [a["source_id"] for a in chain] != final:
                raise ValueError(f"{item}: the chain adopted is not the second annotation's")
            first[item]["attributions"] = [*chain[:-1], first[item]["attribution"]]
        elif field == "numeric_consistency.other_claim_ids":
            first[item]["numeric_consistency"]["other_claim_ids"] = final
        else:
            raise ValueError(f"no rule to apply a decision on {field!r}")
    order = list(json.loads(SCHEMA.read_text(encoding="utf-8"))["properties"])
    claims_text = "".join(json.dumps(_ordered(c, order), ensure_ascii=False) + "\n" for c in first.values())
    relations_text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in relations)
    return claims_text, relations_text


def main() -> int:
    claims, relations = build()
    targets = ((GOLD / "claims.jsonl", claims), (GOLD / "relations.jsonl", relations))
    if "--check" in sys.argv[1:]:
        stale = [str(p) for p, text in targets if p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path} differs from the adjudicated annotations", file=sys.stderr)
        return 1 if stale else 0
    for path, text in targets:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed, memory and extraction accuracy of the numeric checker, with quantulum3 side by side.

What it measures, in one process pinned to one CPU core:

1. **checker throughput** — ``NumericSanityChecker().check`` over a large batch (default 50,000 claims)
   built from real sentences: every distinct sentence of the FNC-1 training bodies that contains a digit,
   a number word or a weekday, plus the claims of ``datasets/fnc1-conversions``, repeated in order until
   the batch is full. Nothing in the claim path caches per text, so repeats cost as much as new sentences
   (only unit-pair conversion factors are cached). Reported: claims/s, wall time, peak memory (tracemalloc,
   in a separate untimed pass, and the process's maximum resident set size).
2. **with article context** — the same checker over every sentence of the first 300 FNC-1 bodies as
   claims with spans into their body as the article (within-article checks on).
3. **extraction, side by side** — ``claimbench.text.quantities.extract_quantities`` and quantulum3's
   ``parser.parse`` over the same subset of sentences (default 2,000): sentences/s for both and the ratio;
   then both on ``GOLD``, about 35 real quantity phrases labelled by hand (value and unit), scoring a
   quantity as found when some extracted quantity has the same value (relative error ≤ 1e-6) and a unit
   pint considers the same (a factor of 1 between them; a count is "dimensionless"). The three examples of
   the issue are printed one by one.

quantulum3 is an optional benchmark dependency: without it part 3 prints a message and only our figures.
Its shipped unit classifier (a pickled scikit-learn model) may not load under the installed scikit-learn;
the script then runs quantulum3 in its documented no-classifier mode and says so.

Run: ``python benchmarks/bench_numeric.py [--bodies ../shared/data/fnc1/train_bodies.csv] [--claims 50000]
[--subset 2000]`` (with ``toolkit`` on ``PYTHONPATH``). Prints a message and exits 0 when FNC-1 is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import resource
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "toolkit"))

from claimbench.checkers.numeric import NumericSanityChecker  # noqa: E402
from claimbench.records import Article, Claim, Context, claim_from_json  # noqa: E402
from claimbench.text.quantities import extract_quantities, unit_registry  # noqa: E402

DEFAULT_BODIES = ROOT.parent / "shared" / "data" / "fnc1" / "train_bodies.csv"
DEV_SET = ROOT / "datasets" / "fnc1-conversions" / "claims.jsonl"

# Hand-labelled real phrases: FNC-1 training bodies (Body ID in the comment) and the Mosul article.
# Units are pint names; "dimensionless" for counts; currencies as ISO codes.
GOLD: tuple[tuple[str, tuple[tuple[float, str], ...]], ...] = (
    (
        "More than 77 square miles (200 square km) was regained from Isis on Monday",  # Mosul
        ((77, "mile ** 2"), (200, "kilometer ** 2")),
    ),
    ("Mosul’s estimated 1.5million residents", ((1.5e6, "dimensionless"),)),  # Mosul
    ("only seven miles (20 kilometres) away from the outskirts", ((7, "mile"), (20, "kilometer"))),  # Mosul
    ("More than 30,000 allied army and peshmerga troops", ((30_000, "dimensionless"),)),  # Mosul
    ("up to 8,000 Isis fighters", ((8000, "dimensionless"),)),  # Mosul
    ("the expected influx of 200,000 people", ((200_000, "dimensionless"),)),  # Mosul
    ("peshmerga forces cleared seven villages to the east", ((7, "dimensionless"),)),  # Mosul
    ("leaving a crater 39 feet (12 meters) across", ((39, "foot"), (12, "meter"))),  # 9
    (
        "at a distance of about 25,000 miles (40,000 kilometers)",
        ((25_000, "mile"), (40_000, "kilometer")),
    ),  # 9
    ("a 12m-wide (40ft) crater near the Nicaraguan capital", ((12, "meter"), (40, "foot"))),  # 217
    ("Pacific Shores Center is a 106-acre (43-hectare) waterfront campus", ((106, "acre"), (43, "hectare"))),
    (
        "comprise about 934,200 square feet (86,800 square meters) of Class A office space",  # 1006
        ((934_200, "foot ** 2"), (86_800, "meter ** 2")),
    ),
    (
        "the Earth moves about 870,000 miles (1.4 million kilometers) in 13 hours",  # 601
        ((870_000, "mile"), (1.4e6, "kilometer"), (13, "hour")),
    ),
    (
        "at its closest it’s flippin’ 4 billion kilometers (2.5 billion miles) from Earth",
        ((4e9, "kilometer"), (2.5e9, "mile")),
    ),
    (
        "an area which could be up to 500,000 square kilometers, or 193,000 square miles",  # 1166
        ((500_000, "kilometer ** 2"), (193_000, "mile ** 2")),
    ),
    (
        "typically around 17 kilometres per second or over 60,000 km/h",  # 1594
        ((17, "kilometer / second"), (60_000, "kilometer / hour")),
    ),
    ("This giant catfish, which weighed 20 stone (127kg)", ((20, "stone"), (127, "kilogram"))),  # 2196
    ("is believed to have weighted 38 pounds (17.2 kilos)", ((38, "pound"), (17.2, "kilogram"))),  # 1979
    ("grown to an impressive 7’6 feet or 2.28 meters high", ((7.5, "foot"), (2.28, "meter"))),  # 1979
    ("as the temperature reached 34 Celsius at midday", ((34, "degree_Celsius"),)),  # 483
    ("the water reaches temperatures of up to 26C in the summer", ((26, "degree_Celsius"),)),  # 965
    ("the water temperature reaches up to 79 degrees Fahrenheit", ((79, "degree_Fahrenheit"),)),  # 1991
    ("The FBI has put a $10m (£6.4m) bounty on Baghdadi’s head", ((1e7, "USD"), (6.4e6, "GBP"))),  # 931
    ("a sprawling billboard offering a 1m peso (£47,000) reward", ((1e6, "MXN"), (47_000, "GBP"))),  # 461
    ("The procedure cost the fish's owner £300 ($460).", ((300, "GBP"), (460, "USD"))),  # 1364
    ("airstrikes hit a rebel-held town, killing at least eight people", ((8, "dimensionless"),)),
    ("Robert asked for 48 hours to think about it", ((48, "hour"),)),
    ("a giant 8ft 9in long catfish weighing 19 stone", ((8.75, "foot"), (19, "stone"))),  # 1028
    (
        "a crater 12 metres (40ft) wide and five metres (16ft) deep",  # 966
        ((12, "meter"), (40, "foot"), (5, "meter"), (16, "foot")),
    ),
    ("At least 15 bodies have so far been dug out of pits", ((15, "dimensionless"),)),  # 537
    (
        "2014 RC passed within 22,000 miles (36,000 kilometers) of our planet",
        ((22_000, "mile"), (36_000, "kilometer")),
    ),
    ("the 12-inch MacBook Air", ((12, "inch"),)),
    ("a city of 1.2 million people", ((1.2e6, "dimensionless"),)),  # 966
    ("has offered a $7 million reward for information", ((7e6, "USD"),)),
    (
        "100 degrees Fahrenheit (38C)",
        ((100, "degree_Fahrenheit"), (38, "degree_Celsius")),
    ),  # the issue's example
)
ISSUE_EXAMPLES = (0, 1, len(GOLD) - 1)

# quantulum3 unit names (as it reports them) → pint names, for scoring only
_Q3_NAMES = {
    "dimensionless": "dimensionless",
    "dollar": "USD",
    "united states dollar": "USD",
    "pound sterling": "GBP",
    "euro": "EUR",
    "mexican peso": "MXN",
    "peso": "MXN",
    "degree fahrenheit": "degree_Fahrenheit",
    "degree celsius": "degree_Celsius",
    "kilometre per hour": "kilometer / hour",
    "kilometre per second": "kilometer / second",
    "metre": "meter",
    "kilometre": "kilometer",
    "centimetre": "centimeter",
    "square kilometre": "kilometer ** 2",
    "square metre": "meter ** 2",
    "square mile": "mile ** 2",
    "square foot": "foot ** 2",
    "pound-mass": "pound",
    "pound": "pound",
    "stone": "stone",
}


def pin_one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"


def read_bodies(path: Path) -> dict[int, str]:
    csv.field_size_limit(1 << 24)
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["Body ID"]): row["articleBody"] for row in csv.DictReader(handle)}


_SPLIT = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[A-Z\"“‘(])|\n+")
_NUMERIC = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand|million|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    re.I,
)


def real_sentences(bodies: dict[int, str]) -> list[str]:
    seen: dict[str, None] = {}
    for body in bodies.values():
        for s in _SPLIT.split(body):
            s = s.strip()
            if s and _NUMERIC.search(s):
                seen.setdefault(s, None)
    return list(seen)


def peak_traced(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def same_unit(a: str, b: str) -> bool:
    if a == b:
        return True
    ureg = unit_registry()
    try:
        return math.isclose(float(ureg.Quantity(1.0, a).to(b).magnitude), 1.0, rel_tol=1e-9) and not (
            "degree" in a or "degree" in b
        )
    except Exception:  # noqa: BLE001 - any pint failure means "not the same unit"
        return False


def score(found: Sequence[tuple[float, str | None]], expected: Sequence[tuple[float, str]]) -> int:
    hits = 0
    for value, unit in expected:
        if any(
            u is not None and math.isclose(v, value, rel_tol=1e-6) and same_unit(u, unit) for v, u in found
        ):
            hits += 1
    return hits


def ours(text: str) -> list[tuple[float, str | None]]:
    return [(q.value, q.unit) for q in extract_quantities(text)]


def load_quantulum() -> tuple[Callable[[str], list[tuple[float, str | None]]] | None, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import classifier, parser
    except ImportError:
        return (
            None,
            "quantulum3 is not installed (pip install quantulum3): its side of the comparison is skipped",
        )
    mode = "with its unit classifier"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser.parse("it weighed 3 pounds")
            parser.parse("a 5 C day")  # forces the classifier to load
    except Exception as exc:  # noqa: BLE001 - a classifier pickled under another scikit-learn version
        classifier.USE_CLF = False
        mode = f"in no-classifier mode (its classifier failed to load: {type(exc).__name__})"

    def run(text: str) -> list[tuple[float, str | None]]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                qs = parser.parse(text)
        except Exception:  # noqa: BLE001 - count a crash as nothing found
            return []
        return [(float(q.value), _Q3_NAMES.get(q.unit.name, q.unit.name.replace(" ", "_"))) for q in qs]

    return run, mode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bodies", type=Path, default=DEFAULT_BODIES)
    ap.add_argument("--claims", type=int, default=50_000, help="size of the checker batch")
    ap.add_argument("--subset", type=int, default=2_000, help="sentences for the side-by-side extraction")
    ap.add_argument("--articles", type=int, default=300, help="FNC-1 bodies used as articles in part 2")
    args = ap.parse_args(argv)
    if not args.bodies.is_file():
        print(
            f"FNC-1 bodies not found at {args.bodies}; benchmark skipped (see ../shared/data/fnc1/README.md)."
        )
        return 0
    print(f"bench_numeric: {pin_one_core()}, Python {sys.version.split()[0]}")
    bodies = read_bodies(args.bodies)
    sentences = real_sentences(bodies)
    dev = (
        [claim_from_json(json.loads(line)) for line in DEV_SET.open(encoding="utf-8")]
        if DEV_SET.is_file()
        else []
    )
    texts = sentences + [c.text for c in dev]
    batch = [Claim(id=f"c{i}", text=texts[i % len(texts)]) for i in range(args.claims)]
    checker = NumericSanityChecker()
    context = Context()
    checker.check(batch[:200], context)  # warm-up: builds pint's registry and the unit-pair cache

    # 1. throughput
    t0 = time.perf_counter()
    verdicts = checker.check(batch, context)
    wall = time.perf_counter() - t0
    errors = sum(1 for v in verdicts if v.error)
    peak = peak_traced(lambda: checker.check(batch[:10_000], context))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    labels: dict[str, int] = {}
    for v in verdicts:
        labels[str(v.label)] = labels.get(str(v.label), 0) + 1
    print(
        f"\n1. checker on {len(batch):,} claims from {len(texts):,} distinct real sentences "
        f"({len(sentences):,} FNC-1 + {len(dev)} dev set)"
    )
    print(f"   wall {wall:.2f} s · {len(batch) / wall:,.0f} claims/s (goal ≥ 5,000) · errors {errors}")
    print(
        f"   peak traced memory {peak:.1f} MiB (10,000-claim pass) · max RSS {rss:.0f} MiB · labels {labels}"
    )

    # 2. with article context
    arts: dict[str, Article] = {}
    claims: dict[str, Claim] = {}
    for body_id, body in list(bodies.items())[: args.articles]:
        aid = f"b{body_id}"
        arts[aid] = Article(id=aid, title="", text=body, published="2015-01-15")
        for m in re.finditer(r"[^\n]+?(?:[.!?](?=\s|$)|$)", body):
            s = m.group(0).strip()
            if s:
                start = m.start() + m.group(0).index(s)
                claims[f"{aid}-{start}"] = Claim(
                    id=f"{aid}-{start}", text=s, article_id=aid, span=(start, start + len(s))
                )
    ctx = Context(articles=arts, claims=claims)
    items = list(claims.values())
    t0 = time.perf_counter()
    checker.check(items, ctx)
    wall2 = time.perf_counter() - t0
    print(f"\n2. with article context: {len(items):,} sentence claims of {len(arts)} FNC-1 bodies")
    print(f"   wall {wall2:.2f} s · {len(items) / wall2:,.0f} claims/s")

    # 3. extraction side by side
    subset = sentences[: args.subset]
    t0 = time.perf_counter()
    for s in subset:
        extract_quantities(s)
    ours_rate = len(subset) / (time.perf_counter() - t0)
    q3, mode = load_quantulum()
    print(f"\n3. extraction on the same {len(subset):,} real sentences")
    print(f"   claimbench.text.quantities  {ours_rate:>10,.0f} sentences/s")
    q3_rate = None
    if q3 is None:
        print(f"   {mode}")
    else:
        t0 = time.perf_counter()
        for s in subset:
            q3(s)
        q3_rate = len(subset) / (time.perf_counter() - t0)
        print(f"   quantulum3 ({mode})")
        print(f"                          {q3_rate:>10,.0f} sentences/s")
        print(f"   ratio: ours is {ours_rate / q3_rate:,.1f}× faster (goal ≥ 10×)")
    total = sum(len(e) for _, e in GOLD)
    ours_hits = sum(score(ours(t), e) for t, e in GOLD)
    print(
        f"\n   accuracy on {len(GOLD)} hand-labelled phrases, {total} quantities (value and unit both right):"
    )
    print(f"   claimbench.text.quantities  {ours_hits}/{total} = {ours_hits / total:.1%}")
    if q3 is not None:
        q3_hits = sum(score(q3(t), e) for t, e in GOLD)
        print(f"   quantulum3             {q3_hits}/{total} = {q3_hits / total:.1%}")
    print("\n   the issue's examples:")
    for i in ISSUE_EXAMPLES:
        text, expected = GOLD[i]
        print(f"   {text!r}")
        print(f"      expected     {[(v, u) for v, u in expected]}")
        print(f"      ours         {ours(text)}  ({score(ours(text), expected)}/{len(expected)})")
        if q3 is not None:
            print(f"      quantulum3   {q3(text)}  ({score(q3(text), expected)}/{len(expected)})")
    misses = [(t, e) for t, e in GOLD if score(ours(t), e) < len(e)]
    if misses:
        print("\n   phrases where ours misses something:")
        for t, e in misses:
            print(f"   {t!r}: expected {list(e)}, got {ours(t)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env bash
# Smoke test of the wheel as a user gets it: build it, install it with its dependencies (pinned by
# requirements/lock.txt) into a clean virtualenv in a temporary directory, and from an unrelated directory
# cite, validate and export the bundled datasets by id and run the bundled default benchmark.
# Usage: bash .ci/smoke_wheel.sh [WHEEL]   (also `nox -s wheel`); needs the network for the dependencies.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python=${PYTHON:-python3}

step() { printf '\n.ci/smoke_wheel.sh: %s\n' "$*"; }
fail() { echo ".ci/smoke_wheel.sh: FAILED: $*" >&2; exit 1; }

if [[ $# -ge 1 ]]; then
  wheel=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  step "building the wheel"
  "$python" -m pip wheel --quiet --no-deps --wheel-dir "$tmp/dist" "$root" >/dev/null
  wheel=$(ls "$tmp"/dist/claimbench-*.whl)
fi

step "installing $(basename "$wheel") into a clean virtualenv"
if "$python" -m virtualenv --version >/dev/null 2>&1; then  # nox depends on virtualenv
  "$python" -m virtualenv --quiet "$tmp/venv"
else
  "$python" -m venv "$tmp/venv"
fi
bin="$tmp/venv/bin"
[[ -d $bin ]] || bin="$tmp/venv/Scripts"
"$bin/python" -m pip install --quiet --disable-pip-version-check -c "$root/requirements/lock.txt" "$wheel"

mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
unset PYTHONPATH VIRTUAL_ENV
export NO_COLOR=1

where=$("$bin/python" -c 'import claimbench; print(claimbench.__file__)')
[[ $where == "$tmp/venv/"* ]] || fail "claimbench imported from $where, not from the clean virtualenv"

step "claimbench cite mosul-2016 --format bibtex"
"$bin/claimbench" cite mosul-2016 --format bibtex | tee bibtex.txt
grep -q '^@misc{mosul_2016_v' bibtex.txt || fail "no BibTeX entry for mosul-2016"

step "claimbench cite mosul-2016 --format cff; claimbench cite --format cff (the toolkit: CITATION.cff)"
"$bin/claimbench" cite mosul-2016 --format cff | tee dataset.cff
grep -q '^type: "dataset"' dataset.cff || fail "the dataset's CFF is not of type dataset"
"$bin/claimbench" cite --format cff > toolkit.cff
grep -q '^preferred-citation:' toolkit.cff || fail "the toolkit's CFF lost the preferred-citation of mosul-2016"
diff -u "$root/CITATION.cff" toolkit.cff || fail "the wheel's CITATION.cff differs from the repository's"

step "claimbench validate mosul-2016 fnc1-conversions"
"$bin/claimbench" validate mosul-2016 fnc1-conversions

step "claimbench export mosul-2016 --format jsonl / --format parquet"
"$bin/claimbench" export mosul-2016 --format jsonl --out exports/mosul-jsonl
"$bin/claimbench" validate exports/mosul-jsonl
if "$bin/python" -c 'import pyarrow' 2>/dev/null; then
  "$bin/claimbench" export mosul-2016 --format parquet --out exports/mosul-parquet
else
  echo "(no pyarrow in the wheel's core dependencies: parquet export not tried)"
fi

step "claimbench run default (the bundled default benchmark over the bundled datasets)"
"$bin/claimbench" run default -q
"$bin/python" - <<'EOF' || fail "the default benchmark's report is incomplete"
import json
report = json.load(open("reports/latest/report.json", encoding="utf-8"))
ids = sorted(d["id"] for d in report["datasets"])
assert ids == ["fnc1-conversions", "mosul-2016"], ids
print(f"report.json: datasets {ids}, {len(report['scores'])} scores")
EOF
for f in report.md report.html predictions.csv; do
  [[ -s reports/latest/$f ]] || fail "reports/latest/$f was not written"
done

step "passed"

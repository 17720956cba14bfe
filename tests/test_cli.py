"""The command line as a user runs it (subprocess), on the shipped dataset and on broken copies."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claimbench import __version__
from claimbench.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
MOSUL = ROOT / "datasets" / "mosul-2016"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claimbench.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"claimbench {__version__}"


def test_every_subcommand_has_help() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"validate", "checkers", "manifest"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0


def test_usage_error_exits_2() -> None:
    result = run("validate")
    assert result.returncode == 2
    assert "PATH" in result.stderr


def test_validate_the_shipped_dataset() -> None:
    result = run("validate", str(MOSUL))
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert "valid: mosul-2016 v1.1.0" in summary
    assert "claims" in summary
    assert "Traceback" not in result.stderr


def test_validate_a_broken_copy_lists_every_problem(tmp_path: Path) -> None:
    broken = tmp_path / "mosul-2016"
    shutil.copytree(MOSUL, broken)
    claims = broken / "claims.jsonl"
    lines = claims.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["span"] = [first["span"][0] + 1, first["span"][1] + 1]
    lines[0] = json.dumps(first, ensure_ascii=False)
    lines[2] = "{oops"
    claims.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (broken / "relations.jsonl").write_bytes(b"\xff\xfe not utf-8\n")

    result = run("validate", str(broken))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    out = result.stdout.splitlines()
    assert f"{claims}:1: $.span: text at" in "\n".join(out)
    assert f"{claims}:3: $: invalid JSON at column 2" in "\n".join(out)
    assert any(line.startswith(f"{broken / 'relations.jsonl'}:1: $: not valid UTF-8") for line in out)
    assert any("$.files.claims.sha256: checksum mismatch" in line for line in out)
    assert out == sorted(out, key=lambda s: (s.split(":")[0], int(s.split(":")[1])))


def test_validate_missing_directory_and_empty_manifest(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "absent"))
    assert result.returncode == 2
    assert "no such directory" in result.stderr
    (tmp_path / "manifest.json").write_text("")
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'manifest.json'}:0: $: file is empty" in result.stdout


def test_manifest_command_repairs_checksums(tiny_dataset: Path) -> None:
    claims = tiny_dataset / "claims.jsonl"
    claims.write_text(claims.read_text().replace("Open vs", "Open versus"))
    relations = tiny_dataset / "relations.jsonl"
    relations.write_text(relations.read_text().replace("Open vs", "Open versus"))
    assert run("validate", str(tiny_dataset)).returncode == 1
    assert run("manifest", str(tiny_dataset)).returncode == 0
    assert run("validate", str(tiny_dataset)).returncode == 0


def test_checkers_lists_the_builtins() -> None:
    result = run("checkers")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split() == ["name", "version", "task", "from"]
    assert "numeric-sanity" in result.stdout


# --- the exit-code rule (claimbench.cli docstring): one case per kind of mistake, for every subcommand ---

BAD_TOML = "name = [unclosed\n"
EXIT_CASES: list[tuple[str, list[str], int, str]] = [
    # (case, argv with {tmp} / {tiny} / {bad} / {badspec} placeholders, exit code, a fragment of stderr)
    ("validate ok", ["validate", "{tiny}"], 0, ""),
    ("validate missing dir", ["validate", "{tmp}/absent"], 2, "no such directory"),
    ("validate empty dir", ["validate", "{tmp}/empty"], 2, "no manifest.json"),
    ("validate malformed manifest", ["validate", "{bad}"], 1, "invalid"),
    ("manifest ok", ["manifest", "{tiny}"], 0, ""),
    ("manifest missing dir", ["manifest", "{tmp}/absent"], 2, "no such directory"),
    ("manifest empty dir", ["manifest", "{tmp}/empty"], 2, "no manifest.json"),
    ("manifest malformed manifest", ["manifest", "{bad}"], 1, "not rewritten"),
    ("checkers", ["checkers"], 0, ""),
    ("checkers unknown option", ["checkers", "--nope"], 2, "unrecognized arguments"),
    (
        "convert missing bodies",
        ["convert", "fnc1", "--bodies", "{tmp}/b.csv", "--stances", "{tmp}/s.csv", "--out", "{tmp}/out"],
        2,
        "not found",
    ),
    (
        "train missing data dir",
        ["train", "source-agreement", "--data", "{tmp}/absent", "--out", "{tmp}/m.skops"],
        2,
        "no such directory",
    ),
    (
        "train data dir without FNC-1 files",
        ["train", "source-agreement", "--data", "{tmp}/empty", "--out", "{tmp}/m.skops"],
        2,
        "not found",
    ),
    ("run missing spec", ["run", "{tmp}/nope.toml"], 2, "no such benchmark spec"),
    ("run malformed spec", ["run", "{badspec}"], 1, "invalid TOML"),
    ("run unknown checker", ["run", "--checkers", "nope"], 2, "'nope' is not in this spec"),
    ("run unknown task", ["run", "--tasks", "nope"], 2, "unknown task 'nope'"),
    ("run jobs not a number", ["run", "--jobs", "abc"], 2, "--jobs: expected a whole number, got 'abc'"),
    ("run limit not positive", ["run", "--limit", "0"], 2, "--limit: must be at least 1"),
    ("compare missing runs", ["compare", "{tmp}/a", "{tmp}/b"], 2, "no such run directory"),
    (
        "compare malformed report",
        ["compare", "{bad}/manifest.json", "{bad}/manifest.json"],
        1,
        "not valid JSON",
    ),
    ("cite toolkit itself", ["cite"], 0, ""),
    ("cite unknown id", ["cite", "nope"], 2, "known ids"),
    ("cite a directory that is no dataset", ["cite", "toolkit"], 2, "no manifest.json"),
    ("cite an invalid dataset", ["cite", "{bad}"], 1, "invalid dataset"),
    ("export unknown id", ["export", "nope", "-f", "jsonl", "-o", "{tmp}/x"], 2, "known ids"),
    ("export unknown format", ["export", "{tiny}", "-f", "nope", "-o", "{tmp}/x"], 2, "invalid choice"),
    ("croissant unknown id", ["croissant", "nope"], 2, "known ids"),
    ("agreement ok", ["agreement", "{tiny}", "{tiny}"], 0, ""),
    ("agreement unknown id", ["agreement", "nope", "{tiny}"], 2, "known ids"),
    ("agreement invalid dataset", ["agreement", "{tiny}", "{bad}"], 1, "invalid dataset"),
    ("migrate missing dir", ["migrate", "{tmp}/absent"], 2, "no such directory"),
    ("migrate empty dir", ["migrate", "{tmp}/empty"], 2, "no manifest.json"),
    ("migrate malformed manifest", ["migrate", "{bad}"], 1, "nothing migrated"),
    ("croissant empty dir", ["croissant", "{tmp}/empty"], 2, "no manifest.json"),
    ("datasheet unknown id", ["datasheet", "nope"], 2, "known ids"),
    ("datasheet invalid dataset", ["datasheet", "{bad}"], 1, "invalid dataset"),
    ("no subcommand", [], 2, "required"),
]


def test_exit_cases_cover_every_subcommand() -> None:
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert commands == {argv[0] for _, argv, _, _ in EXIT_CASES if argv}


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [pytest.param(argv, code, fragment, id=case) for case, argv, code, fragment in EXIT_CASES],
)
def test_exit_codes(
    argv: list[str],
    code: int,
    fragment: str,
    tiny_dataset: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """0 success; 1 the named data is invalid or the work failed; 2 the command line names the wrong thing."""
    (tmp_path / "empty").mkdir()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.json").write_text("{oops", encoding="utf-8")
    spec = tmp_path / "bad.toml"
    spec.write_text(BAD_TOML, encoding="utf-8")
    places = {"{tmp}": str(tmp_path), "{tiny}": str(tiny_dataset), "{bad}": str(bad), "{badspec}": str(spec)}
    for i, arg in enumerate(argv):
        for key, value in places.items():
            arg = arg.replace(key, value)
        argv[i] = arg
    monkeypatch.chdir(ROOT)
    try:
        got = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        got = exc.code if isinstance(exc.code, int) else 1
    err = capsys.readouterr().err
    assert got == code, err
    assert fragment in err
    assert "Traceback" not in err


def test_manifest_says_updated_only_when_something_changed(tiny_dataset: Path) -> None:
    manifest = tiny_dataset / "manifest.json"
    before = manifest.read_bytes()
    result = run("manifest", str(tiny_dataset))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("already up to date:")
    assert manifest.read_bytes() == before
    relations = tiny_dataset / "relations.jsonl"
    relations.write_text(relations.read_text().replace("Open vs", "Open versus"))
    result = run("manifest", str(tiny_dataset))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"updated {manifest}")
    assert manifest.read_bytes() != before


def test_checksum_mismatch_names_a_command_that_exists(tiny_dataset: Path) -> None:
    relations = tiny_dataset / "relations.jsonl"
    relations.write_text(relations.read_text().replace("Open vs", "Open versus"))
    result = run("validate", str(tiny_dataset))
    assert result.returncode == 1
    (line,) = [line for line in result.stdout.splitlines() if "checksum mismatch" in line]
    command = line.rsplit("run: ", 1)[1]
    assert command == f"claimbench manifest {tiny_dataset}"
    assert run(*command.split()[1:]).returncode == 0
    assert run("validate", str(tiny_dataset)).returncode == 0


def test_every_help_states_the_exit_code_rule(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for argv in ([], *([name] for name in commands)):
        with pytest.raises(SystemExit):
            main([*argv, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "exit status: 0 success; 1 the data or the run failed" in text, argv

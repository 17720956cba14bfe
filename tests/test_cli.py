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
    assert result.returncode == 1
    assert "not a dataset directory" in result.stdout
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

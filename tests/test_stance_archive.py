"""Hostile skops archives: sizes checked before anything is built, nothing trusted that is not listed.

Each archive is a genuine saved stance model with something added, so that only the addition can be what
:func:`claimbench.text.stance.model.load` refuses.
"""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io as sio
from numpy.lib import format as npy
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import FunctionTransformer

from claimbench.text.stance._archive import ArchiveLimits, ArchiveRefusedError, inspect_archive
from claimbench.text.stance.corpus import attach_bodies, read_fnc1
from claimbench.text.stance.model import (
    FORMAT,
    TRUSTED_TYPES,
    StanceModel,
    UntrustedModelError,
    build_model,
    load,
)

SAMPLE = Path(__file__).parent / "data" / "fnc1_sample"
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def model() -> StanceModel:
    bodies, stances = read_fnc1(SAMPLE / "train_bodies.csv", SAMPLE / "train_stances.csv")
    heads, texts = attach_bodies(bodies, stances)
    fitted = build_model(svd_components=5, n_folds=2, max_iter=10, term_features=300)
    return fitted.fit(heads, texts, stances["Stance"].tolist(), groups=stances["Body ID"].tolist())


def _dump(path: Path, model: StanceModel, **extra: Any) -> Path:
    """A genuine stance archive (as ``save`` writes it) with ``extra`` entries beside the model."""
    sio.dump(
        {"format": FORMAT, "metadata_json": "{}", "model": model, **extra},
        path,
        compression=zipfile.ZIP_DEFLATED,
    )
    return path


def _rewrite(path: Path, member: str, data: bytes) -> None:
    """Replace one member of the zip at ``path``."""
    with zipfile.ZipFile(path) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    members[member] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, content in members.items():
            new.writestr(name, content)


def _blob_member(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    return str(schema["content"]["blob"]["file"])


def test_a_genuine_model_loads_with_the_list_as_the_only_trust(model: StanceModel, tmp_path: Path) -> None:
    path = _dump(tmp_path / "ok.skops", model)
    names = inspect_archive(path, TRUSTED_TYPES)
    assert "claimbench.text.stance.model.StanceModel" in names
    assert names <= TRUSTED_TYPES
    loaded, _ = load(path)
    assert isinstance(loaded, StanceModel)


def _with_old_module_names(path: Path) -> Path:
    """The archive at ``path`` as it was written before the stance modules moved into ``claimbench.text``."""
    with zipfile.ZipFile(path) as archive:
        schema = archive.read("schema.json").decode("utf-8")
    _rewrite(path, "schema.json", schema.replace('"claimbench.text.stance.', '"claimbench.stance.').encode())
    return path


def test_an_archive_written_before_the_package_layout_still_loads(model: StanceModel, tmp_path: Path) -> None:
    path = _with_old_module_names(_dump(tmp_path / "old.skops", model))
    written = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert b'"claimbench.stance.model"' in archive.read("schema.json")
    loaded, _ = load(path)
    assert path.read_bytes() == written  # migrated in memory; the file is left as it is
    assert isinstance(loaded, StanceModel)
    heads, bodies = ["a headline"], ["a body about something else"]
    np.testing.assert_array_equal(loaded.predict_proba(heads, bodies), model.predict_proba(heads, bodies))


def test_an_old_archive_naming_an_untrusted_type_is_still_refused(model: StanceModel, tmp_path: Path) -> None:
    path = _with_old_module_names(_dump(tmp_path / "old.skops", model, extra=KNeighborsClassifier()))
    with pytest.raises(UntrustedModelError):
        load(path)


# -- item 7: declared sizes ------------------------------------------------------------------------


def test_a_huge_declared_array_is_refused_before_anything_is_read(model: StanceModel, tmp_path: Path) -> None:
    """The 2 GiB zero array of the report, declared by its .npy header (the file stays a few KB)."""
    path = _dump(tmp_path / "huge.skops", model, blob=np.zeros(4))
    header = io.BytesIO()
    npy.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (2**28,)})
    _rewrite(path, _blob_member(path), header.getvalue())
    assert path.stat().st_size < 1 * MiB
    tracemalloc.start()
    try:
        with pytest.raises(UntrustedModelError, match=r"2048\.0 MiB.*max_array_bytes"):
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MiB


def test_a_compressed_zero_array_over_the_total_limit_is_refused_unread(
    model: StanceModel, tmp_path: Path
) -> None:
    path = _dump(tmp_path / "zeros.skops", model, blob=np.zeros(8 * MiB // 8))  # 8 MiB, deflates to ~8 KB
    assert path.stat().st_size < 1 * MiB
    limits = ArchiveLimits(max_total_bytes=4 * MiB)
    tracemalloc.start()
    try:
        with pytest.raises(UntrustedModelError, match=r"4\.0 MiB \(max_total_bytes\)"):
            load(path, limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * MiB  # nothing inflated, let alone built
    load(path, limits=ArchiveLimits(max_total_bytes=64 * MiB))  # under a larger limit it is a model


def test_an_array_header_that_disagrees_with_its_member_is_refused(
    model: StanceModel, tmp_path: Path
) -> None:
    path = _dump(tmp_path / "lying.skops", model, blob=np.zeros(4))
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(4))
    _rewrite(path, _blob_member(path), buffer.getvalue() + bytes(64))
    with pytest.raises(UntrustedModelError, match="declares 32 bytes of data but the member holds 96"):
        load(path)


def test_a_large_schema_is_refused(model: StanceModel, tmp_path: Path) -> None:
    path = _dump(tmp_path / "schema.skops", model)
    with pytest.raises(ArchiveRefusedError, match="max_schema_bytes"):
        inspect_archive(path, TRUSTED_TYPES, ArchiveLimits(max_schema_bytes=1000))


# -- item 8: nothing trusted by default ------------------------------------------------------------

CASES: dict[str, tuple[Callable[[], Any], str]] = {
    "function transformer with numpy.sqrt": (
        lambda: FunctionTransformer(func=np.sqrt),
        r"sklearn\.preprocessing\._function_transformer\.FunctionTransformer",
    ),
    "an extra scikit-learn estimator": (
        lambda: KNeighborsClassifier(n_neighbors=1).fit([[0.0], [1.0]], ["a", "b"]),
        r"sklearn\.neighbors\._classification\.KNeighborsClassifier",
    ),
    "a function node": (lambda: np.sqrt, r"numpy\.sqrt \(loader FunctionNode\)"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_types_skops_trusts_by_default_are_refused(case: str, model: StanceModel, tmp_path: Path) -> None:
    make, named = CASES[case]
    path = _dump(tmp_path / "extra.skops", model, extra=make())
    with pytest.raises(UntrustedModelError, match=named):
        load(path)


def test_the_function_inside_a_function_transformer_is_named_too(model: StanceModel, tmp_path: Path) -> None:
    path = _dump(tmp_path / "ft.skops", model, extra=FunctionTransformer(func=np.sqrt))
    with pytest.raises(ArchiveRefusedError, match=r"numpy\.sqrt \(loader FunctionNode\)"):
        inspect_archive(
            path, TRUSTED_TYPES | {"sklearn.preprocessing._function_transformer.FunctionTransformer"}
        )


def test_an_object_array_is_refused(model: StanceModel, tmp_path: Path) -> None:
    path = _dump(tmp_path / "objects.skops", model, blob=np.array(["a", 1], dtype=object))
    with pytest.raises(UntrustedModelError, match="object arrays are not allowed"):
        load(path)


def test_a_node_with_an_unknown_loader_is_refused(model: StanceModel, tmp_path: Path) -> None:
    path = _dump(tmp_path / "loader.skops", model)
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    schema["content"]["format"]["__loader__"] = "ReduceNode"
    _rewrite(path, "schema.json", json.dumps(schema).encode())
    with pytest.raises(UntrustedModelError, match=r"builtins\.str \(loader ReduceNode\)"):
        load(path)


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.skops"
    path.write_bytes(b"not a zip")
    with pytest.raises(UntrustedModelError, match="not a zip file"):
        load(path)


# -- the claim-pair model goes through the same gate ------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_claim_model_refuses_what_skops_trusts_by_default(case: str, tmp_path: Path) -> None:
    from claimbench.text.stance import claim_model

    shipped = Path(claim_model.__file__).parent / "claim_stance.skops"
    genuine, _ = claim_model.load(shipped)
    make, named = CASES[case]
    path = tmp_path / "claim-extra.skops"
    sio.dump({"format": claim_model.FORMAT, "metadata_json": "{}", "model": genuine, "extra": make()}, path)
    with pytest.raises(claim_model.UntrustedModelError, match=named):
        claim_model.load(path)


def test_the_claim_model_refuses_a_huge_declared_array(tmp_path: Path) -> None:
    from claimbench.text.stance import claim_model

    path = tmp_path / "claim-huge.skops"
    sio.dump({"format": claim_model.FORMAT, "metadata_json": "{}", "model": np.zeros(1000)}, path)
    with pytest.raises(claim_model.UntrustedModelError, match="limit"):
        claim_model.load(path, limits=ArchiveLimits(max_array_bytes=100))

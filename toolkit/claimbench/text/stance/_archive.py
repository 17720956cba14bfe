"""Inspect a skops archive before anything in it is built: sizes, array headers, every type it names.

A skops file is a zip archive: ``schema.json`` describes the object tree (every node names its
``__module__``, ``__class__`` and ``__loader__``), and each array is a ``.npy`` member (a sparse matrix an
``.npz`` member, itself a zip of ``.npy`` files). skops reads every member into memory while it merely
*lists* the archive's types, and it trusts a set of types and functions by default that
``get_untrusted_types`` never reports (e.g. ``numpy.sqrt`` in a ``FunctionTransformer``, or
scikit-learn estimators). So :func:`inspect_archive` runs first, reading only the zip directory, the
schema and the few header bytes of each array:

* **sizes** -- the declared (uncompressed) size of every member, their total, the schema's size and each
  array's ``shape`` x ``dtype`` from its ``.npy`` header, against :class:`ArchiveLimits`; an array whose
  header disagrees with its member's size is refused (zipfile never inflates a member beyond its declared
  size, so the declared sizes bound what loading can allocate);
* **types** -- every node of the schema, recursively, must use a loader of :data:`LOADERS` and name a type
  on the caller's allow-list (functions, methods and partials are not loaders there: a stance model holds
  none), and object (pickled) arrays are refused.

Nothing in the archive is imported or constructed here.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from numpy.lib import format as npy

from claimbench.errors import ClaimbenchError

T = TypeVar("T")

PLAIN_TYPES: frozenset[str] = frozenset(
    {
        "builtins.float",
        "builtins.int",
        "builtins.str",
        "builtins.bool",
        "builtins.tuple",
        "builtins.list",
        "builtins.dict",
        "builtins.NoneType",
        "numpy.float32",
        "numpy.float64",
        "numpy.int64",
        "numpy.ndarray",
        "numpy.dtype",
    }
)
"""Plain Python and NumPy types that every model archive of the project holds; each model module's trust
list is these plus its own estimator types."""

MiB = 1024 * 1024

SCHEMA = "schema.json"

LOADERS: frozenset[str] = frozenset(
    {
        "DictNode",
        "ListNode",
        "TupleNode",
        "JsonNode",
        "TypeNode",
        "SliceNode",
        "NdArrayNode",
        "DTypeNode",
        "SparseMatrixNode",
        "ObjectNode",
        "RandomGeneratorNode",
        "RandomStateNode",
        "LossNode",
    }
)
"""skops node loaders an archive may use. Not here: ``FunctionNode``, ``MethodNode``, ``PartialNode``,
``OperatorFuncNode`` (callables), ``ReduceNode``, ``BytesNode`` and others no saved stance model uses."""


@dataclass(frozen=True)
class ArchiveLimits:
    """The most an archive may declare, in bytes (uncompressed) and members; more is refused, limit named.

    The defaults are generous for the models ``claimbench train`` writes (the largest array is the LSA
    projection, ``svd_components`` x vocabulary float32) and far below what would exhaust a machine's
    memory; pass larger ones to :func:`claimbench.text.stance.model.load` for a larger model.
    """

    max_total_bytes: int = 1024 * MiB
    """All members together, uncompressed."""
    max_array_bytes: int = 512 * MiB
    """One array, as its ``.npy`` header declares it (``shape`` x ``dtype``)."""
    max_schema_bytes: int = 128 * MiB
    """``schema.json``, which skops parses whole."""
    max_members: int = 100_000
    """Members of the archive (and of each ``.npz`` inside it)."""


class ArchiveRefusedError(ClaimbenchError, ValueError):
    """The archive is refused: too large, malformed, or naming a type or loader that is not allowed."""


def inspect_archive(
    path: str | Path, trusted: frozenset[str], limits: ArchiveLimits | None = None
) -> set[str]:
    """Check the skops archive at ``path`` without building it; return the dotted type names it uses.

    Raises :class:`ArchiveRefusedError` naming the first limit exceeded, or every type and loader of the
    schema that is not allowed (``trusted``: dotted names of the types the archive may name).
    """
    limits = limits or ArchiveLimits()
    file = Path(path)
    if not zipfile.is_zipfile(file):
        raise ArchiveRefusedError(f"{file} is not a skops archive (not a zip file)")
    try:
        with zipfile.ZipFile(file) as archive:
            members = {info.filename: info for info in archive.infolist()}
            _check_sizes(file, members, limits)
            if SCHEMA not in members:
                raise ArchiveRefusedError(f"{file} is not a skops archive (no {SCHEMA})")
            for name, info in members.items():
                if name.endswith(".npy"):
                    with archive.open(info) as member:
                        _check_npy(f"{file}:{name}", member, info.file_size, limits)
                elif name.endswith(".npz"):
                    _check_npz(f"{file}:{name}", archive.read(info), limits)
                elif name != SCHEMA:
                    raise ArchiveRefusedError(
                        f"{file}: unexpected member {name!r} (not an array or the schema)"
                    )
            try:
                schema = json.loads(archive.read(SCHEMA))
            except ValueError as exc:
                raise ArchiveRefusedError(f"{file}:{SCHEMA}: not valid JSON: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ArchiveRefusedError(f"{file}: cannot read the archive: {exc}") from None
    names: set[str] = set()
    bad: set[str] = set()
    for where, node in _nodes(schema, "$"):
        module, cls, loader = node.get("__module__"), node.get("__class__"), node.get("__loader__")
        if not (isinstance(module, str) and isinstance(cls, str) and isinstance(loader, str)):
            bad.add(f"{where}: a node without string __module__, __class__ and __loader__")
            continue
        name = f"{module}.{cls}"
        names.add(name)
        if loader not in LOADERS:
            bad.add(f"{name} (loader {loader})")
        elif name not in trusted:
            bad.add(name)
        elif loader == "NdArrayNode" and node.get("type") != "numpy":
            bad.add(f"{name} of type {node.get('type')!r} (object arrays are not allowed)")
    if bad:
        raise ArchiveRefusedError(f"{file} names type(s) not on the trust list: {sorted(bad)}")
    return names


def load_trusted(path: str | Path, trusted: frozenset[str], limits: ArchiveLimits | None = None) -> Any:
    """The object in the skops archive at ``path``, built only when nothing outside ``trusted`` is in it.

    ``trusted`` is the complete list (nothing is trusted by default): :func:`inspect_archive` checks the
    sizes, headers, types and loaders first, then every type skops itself reports as untrusted must be on
    the list, and skops is given exactly the list. Raises :class:`ArchiveRefusedError`. Every model file
    of the project goes through here. An archive written before the stance modules moved to
    :mod:`claimbench.text.stance` is read with its type names moved too (:func:`renamed_modules`).
    """
    import skops.io as sio

    file = Path(path)
    inspect_archive(file, trusted | _legacy(trusted), limits)
    moved = renamed_modules(file)
    found = sio.get_untrusted_types(file=file) if moved is None else sio.get_untrusted_types(data=moved)
    refused = sorted(set(found) - trusted)
    if refused:
        raise ArchiveRefusedError(f"{file} would instantiate untrusted type(s): {refused}")
    if moved is not None:
        return sio.loads(moved, trusted=sorted(trusted))
    return sio.load(file, trusted=sorted(trusted))


LEGACY_MODULES: tuple[tuple[str, str], ...] = (("claimbench.stance.", "claimbench.text.stance."),)
"""Module prefixes of archives written before the sub-package layout, and where they moved."""


def current_name(name: str) -> str:
    """A dotted type name as it is today: an old archive's name moved by :data:`LEGACY_MODULES`."""
    for old, new in LEGACY_MODULES:
        if name.startswith(old):
            return new + name.removeprefix(old)
    return name


def _legacy(trusted: frozenset[str]) -> frozenset[str]:
    """The old names of the trusted types that moved (an old archive names those)."""
    return frozenset(
        old + name.removeprefix(new)
        for name in trusted
        for old, new in LEGACY_MODULES
        if name.startswith(new)
    )


def renamed_modules(path: Path) -> bytes | None:
    """The archive at ``path`` with its schema's moved module names rewritten, or ``None`` if none moved.

    A one-time migration done in memory on every load (the file is not changed): only ``__module__``
    values starting with an old prefix of :data:`LEGACY_MODULES` are rewritten, so an archive keeps
    meaning exactly what it meant.
    """
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read(SCHEMA))
        changed = False
        for _, node in _nodes(schema, "$"):
            module = node.get("__module__")
            if isinstance(module, str) and current_name(module) != module:
                node["__module__"] = current_name(module)
                changed = True
        if not changed:
            return None
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as copy:
            for info in archive.infolist():
                data = json.dumps(schema).encode("utf-8") if info.filename == SCHEMA else archive.read(info)
                copy.writestr(info, data)
    return out.getvalue()


def load_model_file(
    path: str | Path,
    trusted: frozenset[str],
    fmt: str,
    kind: type[T],
    *,
    what: str,
    limits: ArchiveLimits | None,
) -> tuple[T, dict[str, Any]]:
    """``(model, metadata)`` from a claimbench model archive (``format``, ``model``, ``metadata_json``).

    Through :func:`load_trusted`; raises ``FileNotFoundError`` (``what model file not found``) or
    :class:`ArchiveRefusedError` when the archive is refused, is not a ``fmt`` archive or holds no ``kind``.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"{what} model file not found: {file}")
    archive = load_trusted(file, trusted, limits)
    if not isinstance(archive, dict) or archive.get("format") != fmt:
        raise ArchiveRefusedError(f"{file} is not a {fmt} archive")
    model = archive.get("model")
    if not isinstance(model, kind):
        raise ArchiveRefusedError(f"{file} does not hold a {kind.__name__}")
    return model, dict(json.loads(str(archive["metadata_json"])))


def _check_sizes(file: Path, members: dict[str, zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(members) > limits.max_members:
        raise ArchiveRefusedError(
            f"{file} has {len(members)} members, more than the limit of {limits.max_members} (max_members)"
        )
    total = sum(info.file_size for info in members.values())
    if total > limits.max_total_bytes:
        raise ArchiveRefusedError(
            f"{file} declares {_size(total)} uncompressed, more than the limit of "
            f"{_size(limits.max_total_bytes)} (max_total_bytes)"
        )
    schema = members.get(SCHEMA)
    if schema is not None and schema.file_size > limits.max_schema_bytes:
        raise ArchiveRefusedError(
            f"{file}:{SCHEMA} is {_size(schema.file_size)}, more than the limit of "
            f"{_size(limits.max_schema_bytes)} (max_schema_bytes)"
        )


def _check_npy(where: str, member: IO[bytes], size: int, limits: ArchiveLimits) -> None:
    """The array header of a ``.npy`` member: a plain dtype, and ``shape`` x ``dtype`` within limits and equal
    to the member's size after the header."""
    try:
        version = npy.read_magic(member)
        if version == (1, 0):
            shape, _fortran, dtype = npy.read_array_header_1_0(member)
        elif version in ((2, 0), (3, 0)):
            shape, _fortran, dtype = npy.read_array_header_2_0(member)
        else:
            raise ValueError(f"unsupported .npy format version {version}")
        header = member.tell() if member.seekable() else None
    except ValueError as exc:
        raise ArchiveRefusedError(f"{where}: not a readable .npy array: {exc}") from None
    if dtype.hasobject:
        raise ArchiveRefusedError(f"{where}: an object array (would need pickle)")
    declared = math.prod(shape) * dtype.itemsize
    if declared > limits.max_array_bytes:
        raise ArchiveRefusedError(
            f"{where}: declares an array of shape {tuple(shape)} and dtype {dtype} ({_size(declared)}), more "
            f"than the limit of {_size(limits.max_array_bytes)} (max_array_bytes)"
        )
    if header is not None and header + declared != size:
        raise ArchiveRefusedError(
            f"{where}: its header declares {declared} bytes of data but the member holds {size - header}"
        )


def _check_npz(where: str, data: bytes, limits: ArchiveLimits) -> None:
    """A sparse matrix's ``.npz`` member: a zip of ``.npy`` arrays, each checked like the archive's own."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            members = {info.filename: info for info in inner.infolist()}
            _check_sizes(Path(where), members, limits)
            for name, info in members.items():
                if not name.endswith(".npy"):
                    raise ArchiveRefusedError(f"{where}: unexpected member {name!r} (not an array)")
                with inner.open(info) as member:
                    _check_npy(f"{where}:{name}", member, info.file_size, limits)
    except zipfile.BadZipFile as exc:
        raise ArchiveRefusedError(f"{where}: not a readable .npz archive: {exc}") from None


def _nodes(value: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema node (a JSON object with ``__module__``, ``__class__`` or ``__loader__``), depth first."""
    stack: list[tuple[str, Any]] = [(where, value)]
    while stack:
        at, current = stack.pop()
        if isinstance(current, dict):
            if current.keys() & {"__module__", "__class__", "__loader__"}:
                yield at, current
            stack.extend((f"{at}.{key}", child) for key, child in current.items())
        elif isinstance(current, list):
            stack.extend((f"{at}[{i}]", child) for i, child in enumerate(current))


def _size(n: int) -> str:
    return f"{n / MiB:.1f} MiB" if n >= MiB else f"{n} bytes"

"""The data layer: record schemas and validation, reading and writing datasets, and the adapters.

Holds :mod:`~claimbench.data.schema` (the JSON Schemas, per-record schema checks, the one JSON Lines
reader), :mod:`~claimbench.data.layout` (a dataset directory: manifest, file names, which files are safe
to read), :mod:`~claimbench.data.read` (a data file's records, JSONL or Parquet),
:mod:`~claimbench.data.validate` (the one validator, shared by whole and streamed reading),
:mod:`~claimbench.data.dataset` (the :class:`~claimbench.data.dataset.DatasetSource` protocol and its
two storages: :class:`~claimbench.data.dataset.Dataset` held whole,
:class:`~claimbench.data.dataset.DatasetStream` read chunk by chunk), :mod:`~claimbench.data.write`
(writing datasets and manifests), :mod:`~claimbench.data.adapters` (external formats: FNC-1, Emergent,
Perspectrum, NLI), :mod:`~claimbench.data.migrate` (schema migrations), :mod:`~claimbench.data.agreement`
(inter-annotator agreement between two annotations; its figures in ``agreement_stats``, its reports
in ``agreement_report``), :mod:`~claimbench.data.outdir` (output directories:
locks, safe replacement) and :mod:`~claimbench.data.bundled` (the datasets that ship with the package).
Which file a task's items come from, their gold label and cluster: :data:`claimbench.records.TASKS`.

May import: the base modules and :mod:`claimbench.text`. Nothing above it: not the checkers, the runner,
scoring or the reports.
"""

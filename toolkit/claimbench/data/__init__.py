"""The data layer: record schemas and validation, reading and writing datasets, and the adapters.

Holds :mod:`~claimbench.data.schema` (the JSON Schemas and record validation),
:mod:`~claimbench.data.dataset` (datasets read whole or streamed), :mod:`~claimbench.data.adapters`
(external formats: FNC-1, Emergent, Perspectrum, NLI), :mod:`~claimbench.data.migrate` (schema
migrations), :mod:`~claimbench.data.agreement` (inter-annotator agreement between two annotations;
its figures in ``agreement_stats``, its reports in ``agreement_report``),
:mod:`~claimbench.data.outdir` (output directories: locks, safe replacement) and
:mod:`~claimbench.data.bundled` (the datasets that ship with the package).

May import: the base modules and :mod:`claimbench.text`. Nothing above it: not the checkers, the runner,
scoring or the reports.
"""

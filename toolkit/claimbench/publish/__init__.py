"""Publishing a dataset: citations, Croissant metadata, the datasheet and versioned exports.

Holds :mod:`~claimbench.publish.cite` (CITATION.cff and BibTeX), :mod:`~claimbench.publish.croissant`
(Croissant JSON-LD), :mod:`~claimbench.publish.datasheet` (the datasheet for datasets) and
:mod:`~claimbench.publish.export` (a versioned release directory).

May import: the base modules and :mod:`claimbench.data`. Not the checkers, the runner or the reports.
"""

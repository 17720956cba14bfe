"""Language processing the checkers and the data layer share: quantities and units, text normal forms,
and the stance features and models.

Holds :mod:`~claimbench.text.content` (one normal form for comparing texts),
:mod:`~claimbench.text.quantities` (numbers, units, dates; the one pint registry) and
:mod:`~claimbench.text.stance` (stance features, the FNC-1 and claim-pair models, the FNC-1 corpus reader).

May import: the base modules (:mod:`claimbench.errors`, :mod:`claimbench.records`,
:mod:`claimbench.progress`, the private ``_io``/``_json``/``_display``). Nothing above it: not
:mod:`claimbench.data`, the checkers, the runner or the reports.
"""

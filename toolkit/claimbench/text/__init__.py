"""Language processing the checkers and the data layer share: quantities and units, text normal forms,
and the stance features and models.

Holds :mod:`~claimbench.text.content` (one normal form for comparing texts),
:mod:`~claimbench.text.quantities` (quantities in a text, conversions; the one pint registry),
:mod:`~claimbench.text.numbers` (one number as written, its precision), :mod:`~claimbench.text.units`
(the unit lexicon), :mod:`~claimbench.text.dates` (weekdays and dates),
:mod:`~claimbench.text.restatements` (a quantity restated in two units, and whether it agrees) and
:mod:`~claimbench.text.stance` (stance features, the FNC-1 and claim-pair models, the FNC-1 corpus reader).

May import: the base modules (:mod:`claimbench.errors`, :mod:`claimbench.records`,
:mod:`claimbench.progress`, the private ``_io``/``_fastjson``/``_display``). Nothing above it: not
:mod:`claimbench.data`, the checkers, the runner or the reports.
"""

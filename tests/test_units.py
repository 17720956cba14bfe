"""Tests of claimbench.text.units: the unit lexicon against pint."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from claimbench.text.quantities import unit_registry
from claimbench.text.units import DIMENSIONS, UNITS, unit_dimension

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_every_unit_string_is_pint_parsable_with_the_stated_dimension() -> None:
    ureg = unit_registry()
    expected = {
        "length": "[length]",
        "area": "[length] ** 2",
        "volume": "[length] ** 3",
        "mass": "[mass]",
        "speed": "[length] / [time]",
        "temperature": "[temperature]",
        "time": "[time]",
    }
    for unit, entry in UNITS.items():
        dims = str(ureg.Quantity(1.0, unit).dimensionality)
        if entry.dimension in expected:
            assert dims == expected[entry.dimension], unit
        assert unit_dimension(unit) == entry.dimension
    assert "currency" in DIMENSIONS


_ALPHABET = st.characters(blacklist_categories=("Cs",))

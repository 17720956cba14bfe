"""An example third-party checker, exactly as the README's "Write your own checker" section shows it."""

from __future__ import annotations

import re

from claimbench.checkers import BaseChecker
from claimbench.records import NUMERIC_LABELS, Claim, Context, Item, Verdict


class DigitsChecker(BaseChecker):
    """``not_applicable`` when a claim has no digits, else ``consistent``: a deliberately naive rule."""

    name = "example-digits"
    version = "0.1.0"
    task = "numeric_consistency"
    labels = NUMERIC_LABELS

    def __init__(self, confidence: float = 0.5) -> None:
        self.confidence = confidence

    def check_one(self, item: Item, context: Context) -> Verdict:
        assert isinstance(item, Claim)
        digits = re.findall(r"\d", item.text)
        label = "consistent" if digits else "not_applicable"
        return Verdict(
            item_id=item.id,
            checker=self.name,
            checker_version=self.version,
            label=label,
            score=self.confidence,
            explanation=f"{len(digits)} digit(s) in the claim",
        )

"""Texts compared by content: one normal form and a short fingerprint for every text the toolkit matches.

Two records carry "the same text" when their texts are equal after Unicode NFKC normalisation, case folding
and collapsing of white space. Ids derived from content (dataset adapters) and the runner's leakage guard
both use this one definition, so a text is recognised whatever file, row or id it comes with.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalise_text(text: str) -> str:
    """``text`` in NFKC, case-folded, with runs of white space reduced to one space and the ends stripped."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def text_key(*texts: str) -> str:
    """A 64-bit hex fingerprint of the normalised ``texts``, in order (joined by NUL, kept by normalising)."""
    joined = "\x00".join(normalise_text(t) for t in texts)
    return hashlib.blake2b(joined.encode("utf-8"), digest_size=8).hexdigest()

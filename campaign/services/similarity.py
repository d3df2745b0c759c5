"""How much of a letter is the supporter's own: shingled similarity of word 5-grams.

Offices discount identical mailings, so, like WriteToThem, we compare the sets of
overlapping five-word sequences ("shingles") of two texts rather than their characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def words(text: str) -> list[str]:
    """The words of a text, case-folded, without punctuation."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    """The set of overlapping `size`-word sequences; a short text is one shingle of its words."""
    tokens = words(text)
    if not tokens:
        return set()
    if len(tokens) < size:
        return {tuple(tokens)}
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Shared shingles over all shingles of the two texts (0..1)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def containment(part: set[tuple[str, ...]], whole: set[tuple[str, ...]]) -> float:
    """Share of `part`'s shingles found in `whole` (0..1)."""
    if not part:
        return 1.0
    return len(part & whole) / len(part)


def own_share(letter: set[tuple[str, ...]], template: set[tuple[str, ...]]) -> float:
    """Share of the letter's shingles that are not in the template: the supporter's words."""
    return 1.0 - containment(letter, template) if letter else 0.0


def peer_similarity(letter: set[tuple[str, ...]], template: set[tuple[str, ...]],
                    others: Iterable[set[tuple[str, ...]]]) -> float:
    """The highest similarity of what the supporter wrote to what another letter added.

    Template text is taken out of both sides first: two letters sharing the campaign's text
    are expected; two supporters adding the same words are a copy. Two letters that add
    nothing to the template are identical form letters (1.0).
    """
    mine = letter - template
    best = 0.0
    for other in others:
        theirs = other - template
        if not mine and not theirs:
            return 1.0
        # Containment of mine in theirs catches a pasted paragraph in a longer letter.
        best = max(best, jaccard(mine, theirs), containment(mine, theirs) if mine else 0.0)
        if best >= 1.0:
            break
    return best

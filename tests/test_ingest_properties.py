"""The text calls point into: normalising is stable, highlighting loses nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.ingest.text import normalise_text
from campaign.models import Call, CallState, Document
from campaign.services.documents import find_passage, highlight_segments

pytestmark = pytest.mark.backend_independent

texts = st.text(alphabet=st.sampled_from(list("ab .,\n\t\r\u00a0\u202f\u200b\u00ad\x00é"
                                              "e\u0301")), max_size=80)


# No deadline: a busy CI machine is slow, and speed is not what these tests are about.
@settings(deadline=None)
@given(texts)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "  " not in once and "\n\n\n" not in once and "\r" not in once


@settings(deadline=None)
@given(st.text(min_size=1, max_size=60), st.lists(st.tuples(st.integers(-5, 70),
                                                             st.integers(-5, 70)), max_size=6),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_highlighting_keeps_the_whole_text(text: str, spans: list[tuple[int, int]],
                                           rejected: list[bool]) -> None:
    document = Document(text=text)
    document.calls = [Call(start=min(a, b), end=max(a, b), position=i, demand="x", sentence="",
                           state=CallState.REJECTED if rejected[i] else CallState.PROPOSED)
                      for i, (a, b) in enumerate(spans)]
    segments = highlight_segments(document)
    assert "".join(s.text for s in segments) == text
    for segment in segments:
        for number in segment.call_numbers:
            assert not rejected[number - 1]


@settings(deadline=None)
@given(st.text(alphabet="ab c\n", min_size=1, max_size=40), st.integers(0, 39),
       st.integers(1, 10))
def test_a_passage_of_the_text_is_found(text: str, start: int, length: int) -> None:
    passage = text[start:start + length]
    if passage.strip():
        span = find_passage(text, passage)
        assert span is not None
        assert text[span[0]:span[1]].split() == passage.split()

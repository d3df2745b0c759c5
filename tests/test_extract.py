"""The call extractor on the hard cases real documents bring: one call per demand, glued
sentences, bullet lists under a lead-in, quotes, odd spaces, passives, and look-alike non-calls."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.ingest.extract import READERS, ExtractedCall, extract_calls, split_sentences
from campaign.ingest.grouping import group_calls, target_kind
from campaign.ingest.signatories import detect_signatories

pytestmark = pytest.mark.backend_independent


def demands(text: str) -> list[tuple[str | None, str]]:
    return [(call.target, call.demand) for call in extract_calls(text)]


def test_one_call_per_demand_with_the_same_target():
    text = (
        "The Federation urges the Ministry and all regional governments to publish the audit "
        "without delay, to compensate the families of the victims, and to prosecute those "
        "responsible."
    )
    calls = extract_calls(text)
    assert [call.demand for call in calls] == [
        "publish the audit without delay",
        "compensate the families of the victims",
        "prosecute those responsible",
    ]
    assert {call.target for call in calls} == {"the Ministry and all regional governments"}
    assert {call.actor for call in calls} == {"The Federation"}


def test_offsets_point_at_the_sentence_in_the_original_text():
    text = "Intro line.\n\nWe call on the mayor to close the incinerator. It smells."
    (call,) = extract_calls(text)
    assert text[call.start : call.end] == "We call on the mayor to close the incinerator."
    assert call.sentence == text[call.start : call.end]


def test_glued_sentences_are_split_and_navigation_is_not_a_call():
    text = (
        "Police fired on the crowd and several people died.Please refer to our earlier post "
        "for background.We call on the governor to open an inquiry."
    )
    sentences = [s.text for s in split_sentences(text)]
    assert "Please refer to our earlier post for background." in sentences
    assert demands(text) == [("the governor", "open an inquiry")]


def test_words_glued_without_a_stop_are_split_before_a_verb():
    text = (
        "Document every arrest and every beating in detail, in case the police deny it "
        "laterFreeze the assets of the officers who gave the orders"
    )
    assert [d for _, d in demands(text)] == [
        "document every arrest and every beating in detail, in case the police deny it later",
        "freeze the assets of the officers who gave the orders",
    ]


def test_bullet_items_take_their_target_from_the_lead_in():
    text = (
        "The alliance calls on the Council:\n"
        "- to adopt a binding treaty on plastic pollution;\n"
        "- to end subsidies for new plastic production;\n"
        "- to fund waste pickers' cooperatives.\n"
    )
    calls = extract_calls(text)
    assert [(c.target, c.demand) for c in calls] == [
        ("the Council", "adopt a binding treaty on plastic pollution"),
        ("the Council", "end subsidies for new plastic production"),
        ("the Council", "fund waste pickers' cooperatives"),
    ]
    assert calls[0].sentence.startswith("The alliance calls on the Council: ")
    assert text[calls[1].start : calls[1].end] == "to end subsidies for new plastic production;"


def test_heading_naming_the_target_over_imperative_bullets():
    text = "To logistics companies:\n- Stop using subcontractors that withhold drivers' pay.\n"
    assert demands(text) == [
        ("logistics companies", "stop using subcontractors that withhold drivers' pay")
    ]


def test_a_lead_in_that_asks_nothing_leaves_imperative_items_to_the_reader():
    text = "How to help:\n- Write to the embassy and demand his release.\n"
    assert demands(text)[0] == (READERS, "write to the embassy")


def test_quotes_give_the_speaker_as_actor():
    text = (
        '"The ministry must reopen the clinic before winter," said Ana Ruiz, a nurse in the valley.'
    )
    (call,) = extract_calls(text)
    assert (call.actor, call.target, call.demand) == (
        "Ana Ruiz, a nurse in the valley",
        "The ministry",
        "reopen the clinic before winter",
    )


def test_typographic_quotes_and_non_breaking_spaces():
    text = (
        "\u201cWe\u00a0call\u00a0on the city council to protect the\u00a0market traders,\u201d "
        "the union said."
    )
    assert demands(text) == [("the city council", "protect the market traders")]


def test_calls_for_a_noun_phrase_becomes_a_verb_phrase():
    text = "The network called for the immediate release of the three journalists."
    assert demands(text) == [(None, "immediately release the three journalists")]


def test_must_and_should_with_an_agent_are_calls():
    assert demands("Exporting countries should halt arms transfers to the junta.") == [
        ("Exporting countries", "halt arms transfers to the junta")
    ]
    assert demands("The company must not retaliate against the strikers.") == [
        ("The company", "not retaliate against the strikers")
    ]


def test_must_and_should_without_an_agent_are_not_calls():
    assert demands("Emissions should fall by half by 2030, scientists say.") == []
    assert demands("These crimes should be punished.") == []
    assert demands("The world must know what happened here.") == []


def test_passive_calls_name_the_subject_as_target():
    text = "The regional assembly is called upon to suspend the mining licence."
    assert demands(text) == [("The regional assembly", "suspend the mining licence")]


def test_imperatives_are_addressed_to_readers():
    text = "Boycott the sponsors of the tournament and tell them why."
    assert demands(text) == [
        (READERS, "boycott the sponsors of the tournament"),
        (READERS, "tell them why"),
    ]


def test_call_on_as_an_imperative_names_its_target():
    text = "Call on your local council to divest its pension fund from coal."
    assert demands(text) == [("your local council", "divest its pension fund from coal")]


def test_reported_outcomes_praise_and_navigation_are_not_calls():
    assert extract_calls("Under the new law the government will abolish the death penalty.") == []
    assert extract_calls("The union welcomes the decision to raise the minimum wage.") == []
    assert extract_calls("Please refer to the annex for the full list of cases.") == []
    assert extract_calls("Read more | Share this | Log in") == []


def test_follow_suit_reads_the_action_it_follows():
    text = (
        "The group welcomes the decision of two banks to stop financing the pipeline, and "
        "calls on the other lenders to follow suit."
    )
    assert demands(text) == [("the other lenders", "stop financing the pipeline")]


def test_you_in_a_letter_is_the_addressee():
    text = "Dear Commissioner,\n\nWe urge you to withdraw the proposal.\n"
    assert demands(text) == [("Commissioner", "withdraw the proposal")]


def test_coordinated_verbs_sharing_an_object_stay_one_demand():
    text = "Citizens should monitor and report abuses by private security firms."
    assert demands(text) == [("Citizens", "monitor and report abuses by private security firms")]


def test_title_case_headings_are_not_calls():
    assert extract_calls("Unions Call for an End to Forced Overtime\n\nBody text follows.") == []


def test_extracted_call_is_immutable():
    (call,) = extract_calls("We call on the mayor to close the incinerator.")
    assert isinstance(call, ExtractedCall)
    with pytest.raises(AttributeError):
        call.demand = "something else"  # type: ignore[misc]


def test_empty_and_whitespace_documents():
    assert extract_calls("") == []
    assert extract_calls("\n\n   \n") == []


# -- signatories -------------------------------------------------------------------------------


def test_signatories_after_a_header_in_document_order():
    text = (
        "We call on the ministry to act.\n\nSigned by:\n\nRiver Watch\nFishers' Union of the "
        "Delta\nGreen Lawyers Network\n"
    )
    assert detect_signatories(text) == [
        "River Watch",
        "Fishers' Union of the Delta",
        "Green Lawyers Network",
    ]


def test_numbered_signatory_list_without_a_header():
    names = [
        "Coastal Rights Association",
        "Delta Fishers Union",
        "Harbour Workers Federation",
        "Island Youth Network",
        "Mangrove Foundation",
    ]
    text = "We call on governments to act.\n\n" + "\n".join(
        f"  {number}. {name}" for number, name in enumerate(names, 1)
    )
    assert detect_signatories(text) == names


def test_no_signatories_in_a_document_without_a_list():
    text = (
        "Skip to content\nHome\nNews\n\nThe council voted on Tuesday.\n\n"
        "Key points\n- Rents rose by 12 percent.\n- Evictions doubled.\n"
    )
    assert detect_signatories(text) == []


def test_the_53_organisations_of_the_joint_statement_in_the_seeds(shared_seeds):
    statement = next(
        path
        for path in shared_seeds.glob("*.txt")
        if "Joint Statement" in path.read_text(encoding="utf-8")
    )
    text = statement.read_text(encoding="utf-8")
    names = detect_signatories(text)
    assert len(names) == 53
    # As stored after ingestion: runs of blank lines squeezed to one, spaces trimmed.
    squeezed = re.sub(r"\n\s*\n+", "\n\n", "\n".join(line.strip() for line in text.splitlines()))
    assert detect_signatories(squeezed) == names
    assert names[0] == "Atajurt Eriktileri \u2013 Kazakh Human Rights"
    assert names[-1] == "World Uyghur Congress Foundation"
    assert "Uighur Society \u201cIttipak\u201d of the Kyrgyz Republic" in names
    assert len(set(names)) == 53


def test_signatory_lists_are_not_read_as_calls():
    text = (
        "We call on governments to act now.\n\n1. Stop Forced Labour Now\n2. Stop Ecocide Network\n"
        "3. Clean Rivers Association\n"
    )
    assert demands(text) == [("governments", "act now")]


# -- grouping ----------------------------------------------------------------------------------


def _call(target: str, demand: str) -> ExtractedCall:
    return ExtractedCall(f"{target} {demand}.", None, target, demand, 0, 1)


def test_the_same_demand_to_the_same_kind_of_target_is_one_group():
    calls = [
        ("a.txt", _call("Governments", "impose targeted sanctions")),
        (
            "b.txt",
            _call("the Council", "adopt targeted sanctions against the officials responsible"),
        ),
        ("c.txt", _call("member states", "impose sanctions on the officials")),
        ("c.txt", _call("the junta", "release all political prisoners")),
        ("d.txt", _call("the Chinese government", "release all political prisoners")),
    ]
    groups = group_calls(calls)
    assert groups[0].document_count == 3
    assert groups[0].documents == ["a.txt", "b.txt", "c.txt"]
    assert groups[0].demand == "impose targeted sanctions"
    assert len(groups) == 3  # the two releases ask different governments


def test_target_kinds():
    assert target_kind("the Chinese government") == target_kind("China")
    assert target_kind("member states of the European Union") == target_kind("Governments")
    assert target_kind("the Chinese authorities") != target_kind("governments")
    assert target_kind(None) == "unstated"


# -- any input ---------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "We call on the council to",
        " act now",
        ".",
        "Please refer to",
        " the report",
        "\u00a0",
        "\n- to adopt a plan;",
        "\n",
        ":",
        '"',
        "\u201c",
        "must",
        " and ",
        ", ",
        "Governments should",
        "Stop",
        "(1)",
        "treatmentsFreeze",
        "Dear Minister,\n",
        "It",
        "?",
        "\u2019s",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=30))
def test_any_text_gives_calls_with_offsets_inside_it(pieces):
    text = "".join(pieces)
    for call in extract_calls(text):
        assert 0 <= call.start < call.end <= len(text)
        assert call.demand
        assert text[call.start : call.end].strip()


def test_a_call_as_the_json_record_of_campaign_extract():
    (call,) = extract_calls("We call on the mayor to close the incinerator.")
    assert call.as_record("a.txt") == {
        "doc": "a.txt",
        "sentence": "We call on the mayor to close the incinerator.",
        "actor": "We",
        "target": "the mayor",
        "demand": "close the incinerator",
        "start": 0,
        "end": 46,
    }


def test_hard_wrapped_lines_are_read_as_one_sentence():
    text = (
        "Subject: Forced evictions in the river district\n\n"
        "The tenants' association calls on the Housing Minister and the city\n"
        "council to halt the demolitions in the river district, and to offer every\n"
        "family a home in the same neighbourhood.\n"
        "- to publish the resettlement plan in\n"
        "  full;\n"
    )
    assert demands(text) == [
        ("the Housing Minister and the city council", "halt the demolitions in the river district"),
        (
            "the Housing Minister and the city council",
            "offer every family a home in the same neighbourhood",
        ),
    ]
    first = extract_calls(text)[0]
    assert text[first.start : first.end].startswith("The tenants' association calls on")
    assert text[first.start : first.end].endswith("same neighbourhood.")


def test_reported_speech_and_trailing_contrasts_stay_out_of_target_and_demand():
    assert demands("Analysts say the central bank should cut interest rates next month.") == [
        ("the central bank", "cut interest rates next month")
    ]
    assert demands(
        "In 2019 the UN called on Myanmar to end the violence, but nothing changed."
    ) == [("Myanmar", "end the violence")]
    assert demands("Last year, MEPs urged the Commission to act; it did not.") == [
        ("the Commission", "act")
    ]


def test_institutions_acting_for_states_are_one_kind_of_target():
    groups = group_calls(
        [
            ("a.txt", _call("the Council", "adopt targeted sanctions")),
            ("b.txt", _call("the Commission", "adopt targeted sanctions")),
        ]
    )
    assert [group.document_count for group in groups] == [2]


def test_a_numbered_list_ends_where_the_numbers_do():
    names = ["Coastal Rights Association", "Delta Fishers Union", "Harbour Workers Federation"]
    text = (
        "We call on governments to act.\n\n"
        + "\n".join(f"{number}. {name}" for number, name in enumerate(names, 1))
        + "\n\nCampaign for Clean Harbours\n\nWe defend the rights of harbour communities.\n"
    )
    assert detect_signatories(text) == names


def test_typos_do_not_hide_a_call():
    text = "The Allaince urges goverments to relese the detanees and to investigaet the abuses."
    assert demands(text) == [
        ("goverments", "relese the detanees"),
        ("goverments", "investigaet the abuses"),
    ]

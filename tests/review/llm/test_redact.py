"""Redaction before text leaves for the LLM, and restoring it in what comes back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.review.llm.redact import CONTROL_CHARS, Redactor, remove_controls, strip_controls


def test_emails_phones_and_cards_become_placeholders():
    text = (
        "Mail jane.doe@example.com, call +1 (555) 123-4567 or 020 7946 0958; "
        "card 4111 1111 1111 1111."
    )
    redactor = Redactor()
    redacted = redactor.redact(text)
    assert redacted == ("Mail [EMAIL_1], call [PHONE_1] or [PHONE_2]; card [CARD_1].")
    assert redactor.restore(redacted) == text


def test_prices_dates_percentages_and_order_numbers_are_left_alone():
    text = "Now $1,299.00 until 2026-11-23 (20% off), order 123456789, 10,000 fans, 3:30pm."
    assert Redactor().redact(text) == text


def test_a_number_that_fails_the_card_check_is_not_a_card():
    assert "[CARD" not in Redactor().redact("ticket 4111 1111 1111 1112")


def test_a_placeholder_the_person_typed_is_never_confused_with_ours():
    redactor = Redactor()
    redacted = redactor.redact("Literally [EMAIL_1] and jo@example.org")
    assert redacted == "Literally [EMAIL_1] and [EMAIL_2]"
    assert redactor.restore("[EMAIL_1] [EMAIL_2] [PHONE_9]") == "[EMAIL_1] jo@example.org [PHONE_9]"


def test_the_same_value_twice_gets_one_placeholder():
    redactor = Redactor()
    assert redactor.redact("a@b.io then a@b.io") == "[EMAIL_1] then [EMAIL_1]"


def test_hidden_characters_are_stripped_with_a_map_back():
    text = "hi\u200b there\u202e!\u2066"
    clean, index = strip_controls(text)
    assert clean == "hi there!"
    assert [text[i] for i in index[:-1]] == list(clean)
    assert index[-1] == len(text)


@given(st.text())
def test_restore_undoes_redact_for_any_text(text):
    redactor = Redactor()
    assert redactor.restore(redactor.redact(text)) == text


@given(st.text(alphabet=st.sampled_from(["a", " ", "\u200b", "\u202e", "é", "😀", "\ufeff"])))
def test_the_offset_map_points_at_the_same_characters(text):
    clean, index = strip_controls(text)
    assert len(index) == len(clean) + 1
    assert all(text[i] == ch for i, ch in zip(index, clean, strict=False))
    assert not any(ch in CONTROL_CHARS for ch in clean)
    assert remove_controls(text) == clean

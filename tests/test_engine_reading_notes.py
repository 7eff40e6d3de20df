"""A clean score for text the rules cannot read comes with a plain note, never silent praise."""

from pathlib import Path

import pytest

from bot.review.engine import NOTE_NO_WORDS, NOTE_OTHER_LANGUAGE, review
from bot.review.playbook import load_playbook

PLAYBOOK = load_playbook(Path(__file__).parent / "fixtures" / "playbooks" / "basic.yml")


@pytest.mark.parametrize("draft", ["🎉🎉🎉", "123 !!!", "👉 #1 😀"])
def test_no_words_says_so(draft):
    assert NOTE_NO_WORDS in review(draft, PLAYBOOK).notes


@pytest.mark.parametrize(
    "draft", ["新製品を発売しました！今すぐ購入！", "Новый продукт уже в продаже", "منتج جديد"]
)
def test_another_script_says_only_measures_were_checked(draft):
    notes = review(draft, PLAYBOOK).notes
    assert NOTE_OTHER_LANGUAGE in notes and NOTE_NO_WORDS not in notes


@pytest.mark.parametrize(
    "draft", ["Hello there, what do you think?", "Café crème — très bon, merci !", "Thanks 🎉"]
)
def test_readable_words_get_no_reading_note(draft):
    notes = review(draft, PLAYBOOK).notes
    assert NOTE_NO_WORDS not in notes and NOTE_OTHER_LANGUAGE not in notes

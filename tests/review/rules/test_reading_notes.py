"""A clean score for text the rules cannot read comes with a plain note, never silent praise."""

import pytest

from bot.review.playbooks.loader import PlaybookLibrary, load_playbook
from bot.review.rules.engine import review
from bot.review.rules.language import NOTE_NO_WORDS, NOTE_OTHER_LANGUAGE
from tests.paths import FIXTURES

PLAYBOOK = load_playbook(FIXTURES / "playbooks" / "basic.yml")


@pytest.mark.parametrize("draft", ["🎉🎉🎉", "123 !!!", "👉 #1 😀", ":tada: :rocket::fire:"])
def test_no_words_says_so(draft):
    assert NOTE_NO_WORDS in review(draft, PLAYBOOK).notes


@pytest.mark.parametrize(
    "draft", ["新製品を発売しました！今すぐ購入！", "Новый продукт уже в продаже", "منتج جديد"]
)
def test_another_script_says_only_measures_were_checked(draft):
    notes = review(draft, PLAYBOOK).notes
    assert NOTE_OTHER_LANGUAGE in notes and NOTE_NO_WORDS not in notes


@pytest.mark.parametrize(
    "draft",
    [
        "Hello there, what do you think?",
        "Our café's crème brûlée is back — what should we bake next?",
        "Thanks 🎉",
    ],
)
def test_readable_words_get_no_reading_note(draft):
    notes = review(draft, PLAYBOOK).notes
    assert NOTE_NO_WORDS not in notes and NOTE_OTHER_LANGUAGE not in notes


@pytest.mark.parametrize(
    "draft",
    [
        "Nous sommes ravis d'annoncer notre nouvelle plateforme pour les équipes !!!",
        "¡Gran oferta! Compra ahora y ahorra un 40% en todos los productos para el hogar",
        "Unser neues Produkt ist da und wir sind stolz auf das Ergebnis",
        "Het nieuwe seizoen begint vandaag, met een feest voor iedereen",
        "Achetez maintenant ! Offre limitée, ne ratez pas ça !",
        "Café crème — très bon, merci !",
    ],
)
def test_another_latin_script_language_says_only_measures_were_checked(draft):
    notes = review(draft, PLAYBOOK).notes
    assert NOTE_OTHER_LANGUAGE in notes and NOTE_NO_WORDS not in notes


@pytest.mark.parametrize(
    "draft",
    [
        # English headlines with none of the commonest words, and English with French in it
        "Apple Unveils Stunning iPhone Lineup Features Today Worldwide Incredible Deals",
        "Bon appétit! Join us for the launch party tonight, le chef est là",
        "Les Misérables tickets are on sale: which night would you like?",
        "Taizé ecumenical community founder Frère Roger assassinated",  # names, not French
    ],
)
def test_english_with_few_common_words_or_some_french_gets_no_language_note(draft):
    assert NOTE_OTHER_LANGUAGE not in review(draft, PLAYBOOK).notes


def test_slack_emoji_shortcodes_count_as_emoji_and_times_do_not():
    default = PlaybookLibrary().get(None)
    stuffed = "Big sale today :fire::fire::fire::fire::fire::fire::rocket::rocket:"
    (f,) = [f for f in review(stuffed, default).findings if f.rule == "emoji-stuffing"]
    assert f.quote.startswith(":fire:") and f.quote.endswith(":rocket:")
    plain = "See you at 12:30:45, ratio 1:2:3 and a:b:c"
    assert not [f for f in review(plain, default).findings if f.rule == "emoji-stuffing"]

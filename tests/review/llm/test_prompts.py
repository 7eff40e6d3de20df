"""Prompt templates: strict substitution checked at start-up, a static cacheable prefix,
and a prompt that fits its token budget."""

from __future__ import annotations

import shutil

import pytest

from bot.review.llm.prompt import prepare, system_message, user_message
from bot.review.llm.prompts import TEMPLATES, PromptError, default_prompt_dir, load_prompts
from bot.review.playbooks.loader import PlaybookLibrary
from bot.review.reviewer import Reviewer, ReviewRequest


@pytest.fixture
def prompt_dir(tmp_path):
    target = tmp_path / "prompts"
    shutil.copytree(default_prompt_dir(), target)
    return target


def test_the_shipped_prompts_load_with_every_tone():
    prompts = load_prompts()
    assert set(prompts.texts) == set(TEMPLATES)
    assert set(prompts.tones) == {"warmer", "shorter", "more playful", "more formal"}


def test_an_unknown_variable_stops_start_up(prompt_dir):
    path = prompt_dir / "user.txt"
    path.write_text(path.read_text() + "\nAlso {{drafts}}\n")
    with pytest.raises(PromptError) as caught:
        load_prompts(prompt_dir)
    assert caught.value.problems == [f"{path}: unknown variable {{{{drafts}}}} (known: "
                                     "draft, evidence, platform, platform_note, reply, score, "
                                     "tag, tone)"]  # fmt: skip


def test_a_missing_variable_stops_start_up(prompt_dir):
    path = prompt_dir / "system.txt"
    path.write_text(path.read_text().replace("{{rules}}", "the rules"))
    with pytest.raises(PromptError, match=r"system.txt: missing variable \{\{rules\}\}"):
        load_prompts(prompt_dir)


def test_stray_braces_and_missing_files_are_reported_together(prompt_dir):
    (prompt_dir / "retry.txt").unlink()
    path = prompt_dir / "repair.txt"
    path.write_text(path.read_text() + " {{ not a variable }}")
    with pytest.raises(PromptError) as caught:
        load_prompts(prompt_dir)
    problems = caught.value.problems
    assert any("retry.txt: cannot read the template" in p for p in problems)
    assert any("repair.txt: a '{{' or '}}' that is not a {{variable}}" in p for p in problems)


def test_a_bad_tones_line_is_reported(prompt_dir):
    (prompt_dir / "tones.txt").write_text("warmer: friendlier\njust words\n")
    with pytest.raises(PromptError, match=r"tones.txt:2: expected 'tone name: what it means'"):
        load_prompts(prompt_dir)


def test_rendering_refuses_missing_and_unknown_values():
    prompts = load_prompts()
    with pytest.raises(PromptError, match=r"retry: no value for \{\{missing\}\}"):
        prompts.render("retry", reason="x")
    with pytest.raises(PromptError, match="retry: unknown variable 'extra'"):
        prompts.render("retry", reason="x", missing="", extra="y")


def test_values_are_inserted_once_never_read_as_templates():
    prompts = load_prompts()
    text = prompts.render("repair", problem="{{problem}} and $price")
    assert "{{problem}} and $price" in text


def test_a_prompt_change_changes_the_version_so_cached_answers_are_not_reused(prompt_dir):
    before = load_prompts(prompt_dir).version
    path = prompt_dir / "system.txt"
    path.write_text(path.read_text() + "\nBe brief.")
    assert load_prompts(prompt_dir).version != before


def _messages(text: str, **request):
    prompts = load_prompts()
    playbook = PlaybookLibrary().get(None)
    rules = Reviewer(PlaybookLibrary()).rules_review(ReviewRequest(text=text, **request))
    source = prepare(text, request.get("in_reply_to"))
    system = system_message(prompts, playbook)
    user = user_message(prompts, source, rules, tone=None, tag="SW-test")
    return system, user, playbook


def test_the_system_prompt_is_static_and_carries_the_playbook():
    system, user, playbook = _messages("BUY NOW!!! Only 3 left.")
    other, _, _ = _messages("A quiet thank-you to everyone who came. What should we do next?")
    assert system == other  # byte-identical: a cacheable prefix
    for rule in playbook.rules:
        assert f"- {rule.id} ({rule.principle})" in system
    for principle in playbook.principles:
        assert principle.title in system
    assert "BUY NOW" not in system and "BUY NOW" in user


def test_the_draft_comes_last_and_the_reply_context_is_delimited():
    _, user, _ = _messages("Thanks for telling us. We fixed it today.", in_reply_to="Broken again")
    assert user.rstrip().endswith("DRAFT SW-test>>>")
    assert "<<<COMMENT SW-test\nBroken again\nCOMMENT SW-test>>>" in user


def test_a_280_character_draft_fits_the_input_budget():
    draft = ("We just opened the new trail guide, with maps for every season. " * 5)[:280]
    system, user, _ = _messages(draft, platform="x")
    estimated_tokens = (len(system) + len(user)) / 4  # chars/4; the benchmark reports it
    assert estimated_tokens <= 2000

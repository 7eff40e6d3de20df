"""`socialway review --engine` and `socialway stats` as a person runs them (subprocess),
with OPENAI_BASE_URL pointing at the fake OpenAI-compatible server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.store.store import Store
from tests.fakes.openai_api import answer, server_error

URL = "https://example.com/trails"
DRAFT = f"Our new trail guide is up: {URL}. Which route should we add next?"
BETTER = f"The trail guide is ready for you: {URL}. Which route would you like next?"
KEY = "sk-cli-SECRET-93b1"


def socialway(*args: str, env: dict, stdin: str | None = None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SOCIALWAY_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, "NO_COLOR": "1", **env},
        timeout=60,
    )


@pytest.fixture
def llm_env(fake_llm, tmp_path):
    return {
        "OPENAI_BASE_URL": fake_llm.base_url,
        "OPENAI_API_KEY": KEY,
        "SOCIALWAY_DB": str(tmp_path / "cli.db"),
        "SOCIALWAY_LLM_TIMEOUT": "2",
        "SOCIALWAY_LLM_BUDGET": "5",
    }


def test_review_auto_uses_the_llm_when_configured(fake_llm, llm_env):
    fake_llm.script(answer(rewrite=BETTER))
    done = socialway("review", "--json", DRAFT, env=llm_env)
    assert done.returncode == 0, done.stderr
    review = json.loads(done.stdout)
    assert (review["engine"], review["rewrite"]["text"], review["notes"]) == ("llm", BETTER, [])
    assert len(fake_llm.calls) == 1
    assert KEY not in done.stdout + done.stderr


def test_review_engine_rules_never_calls_the_model(fake_llm, llm_env, tmp_path):
    done = socialway("review", "--json", "--engine", "rules", DRAFT, env=llm_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["engine"] == "rules"
    assert fake_llm.calls == []
    assert not (tmp_path / "cli.db").exists()  # rules only: nothing written


def test_review_falls_back_with_the_note_in_the_json(fake_llm, llm_env):
    fake_llm.script(*[server_error()] * 4)
    done = socialway("review", "--json", "--engine", "llm", DRAFT, env=llm_env)
    assert done.returncode == 0, done.stderr
    review = json.loads(done.stdout)
    assert review["engine"] == "rules"
    assert review["notes"][-1].startswith("AI suggestions unavailable right now")
    assert KEY not in done.stdout + done.stderr


def test_stats_prints_reviews_calls_cache_hits_and_tokens_by_day(fake_llm, llm_env):
    fake_llm.script(answer(rewrite=BETTER))
    for _ in range(2):  # the second is a cache hit
        assert socialway("review", "--json", DRAFT, env=llm_env).returncode == 0
    done = socialway("stats", env=llm_env)
    assert done.returncode == 0, done.stderr
    header, today, total = done.stdout.splitlines()
    assert header.split() == [
        "day",
        "reviews",
        "LLM",
        "reviews",
        "calls",
        "failed",
        "cache",
        "hits",
        "tokens",
        "in",
        "tokens",
        "out",
    ]
    cells = today.split()
    assert cells[1:6] == ["0", "1", "1", "0", "1"]  # reviews, LLM reviews, calls, failed, hits
    assert int(cells[6]) > 0 and int(cells[7]) > 0
    assert total.split()[0] == "total"
    as_json = socialway("stats", "--json", env=llm_env)
    [day] = [json.loads(line) for line in as_json.stdout.splitlines()]
    with Store(llm_env["SOCIALWAY_DB"]) as store:
        assert [day] == store.usage_by_day(days=30)


def test_stats_without_a_database_says_where_it_looked(tmp_path):
    done = socialway("stats", env={"SOCIALWAY_DB": str(tmp_path / "none.db")})
    assert done.returncode == 2
    assert "no database at" in done.stderr and "Traceback" not in done.stderr

"""Moving a SQLite database into PostgreSQL (`socialway migrate --from-sqlite`)."""

from __future__ import annotations

import pytest

from bot.store.copy_sqlite import CopyRefused, copy_sqlite_into
from bot.store.store import Store
from tests.fakes.cli import cli_env, run_cli
from tests.fakes.seed import Seeder

DAY = 86400


def seeded_sqlite(path) -> dict:
    """A SQLite database in use: reviews, votes, settings, a digest posted, events, AI."""
    clock = [1_796_000_000.0]
    with Store(path, clock=lambda: clock[0]) as store:
        seed = Seeder(store, clock)
        first = seed.review(clock[0], score=40, rules=("urgency", "hard-sell"), posted=True)
        seed.review(clock[0] + DAY, user="U0BOB", score=80, draft="50% off? 'Quoted' text")
        store.add_feedback(kind="helpful", user_id="U0BOB", review_id=first, channel_id="C1")
        store.update_channel_settings("C0DRAFTS", digest_on=True, team_id="T1", watch=True)
        store.mute_rule("C0DRAFTS", "hashtags", user_id="U0ALICE")
        assert store.claim_digest("C0DRAFTS", "2026-11-30", claimed_by="old") == "claimed"
        store.mark_digest_posted("C0DRAFTS", "2026-11-30", "1796000000.000100")
        store.first_sighting("Ev1")
        store.llm_cache_put("k1", {"review": "cached"})
        store.record_llm_call(
            user_id="U0ALICE", model="m", prompt_tokens=5, completion_tokens=7, cached=False,
            outcome="ok", request_id="r1",
        )  # fmt: skip
        return {t: list(store.db.query(f'SELECT * FROM "{t}"')) for t in TABLES}


TABLES = (
    "reviews", "feedback", "channel_settings", "seen_events", "llm_cache", "llm_calls",
    "digests",
)  # fmt: skip


def test_everything_is_copied_ids_kept_and_new_rows_numbered_after(tmp_path, postgres_url):
    before = seeded_sqlite(tmp_path / "old.db")
    with Store(postgres_url) as target:
        copied = copy_sqlite_into(tmp_path / "old.db", target)
        assert {t: copied[t] for t in TABLES} == {t: len(before[t]) for t in TABLES}
        for table in TABLES:
            assert list(target.db.query(f'SELECT * FROM "{table}"')) == before[table], table
        # The week's digest was posted before the move: it is not posted again after it.
        assert target.claim_digest("C0DRAFTS", "2026-11-30", claimed_by="new") == "posted"
        assert target.channel_settings("C0DRAFTS").muted_rules == ("hashtags",)
        assert target.first_sighting("Ev1") is False
        new = target.add_feedback(kind="helpful", user_id="U1", review_id=1)
        assert new == before["feedback"][-1]["id"] + 1
        assert (
            target.db["reviews"].insert({"created_at": 1.0, "human_score": 1}).last_pk
            == max(r["id"] for r in before["reviews"]) + 1
        )


def test_a_database_already_in_use_is_not_mixed_with_another(tmp_path, postgres_url):
    seeded_sqlite(tmp_path / "old.db")
    with Store(postgres_url) as target:
        target.first_sighting("already here")
        with pytest.raises(CopyRefused, match="already holds seen_events: copy only into an"):
            copy_sqlite_into(tmp_path / "old.db", target)
        assert target.db["reviews"].count == 0  # nothing was copied
        with pytest.raises(CopyRefused, match="no SQLite database at"):
            copy_sqlite_into(tmp_path / "missing.db", target)


def test_the_cli_copies_installations_too(tmp_path, postgres_url):
    from slack_sdk.oauth.installation_store import Installation

    from bot.config import Settings
    from bot.slack.installs import installation_store
    from tests.conftest import CLIENT_ID, CLIENT_SECRET

    old = tmp_path / "old.db"
    seeded_sqlite(old)
    on_sqlite = Settings(
        db_path=str(old), slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET
    )
    installation_store(on_sqlite).save(
        Installation(
            app_id="A1", team_id="T1", team_name="Acme", user_id="U0ALICE",
            bot_token="xoxb-T1-token", bot_id="B1", bot_user_id="U0BOT",
            bot_scopes=["chat:write", "commands"],
        )
    )  # fmt: skip
    env = cli_env(
        DATABASE_URL=postgres_url, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET
    )
    result = run_cli("migrate", "--from-sqlite", str(old), env=env, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert "copied 2 reviews, 1 feedback, 1 channel_settings" in result.stdout
    assert "1 installations" in result.stdout
    bot = installation_store(Settings(**{**on_sqlite.__dict__, "database_url": postgres_url}))
    found = bot.find_bot(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == "xoxb-T1-token"
    again = run_cli("migrate", "--from-sqlite", str(old), env=env, text=True, timeout=60)
    assert again.returncode == 2
    [line] = again.stderr.splitlines()
    assert line.startswith("socialway: ") and "copy only into an empty database" in line

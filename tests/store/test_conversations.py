"""The conversations table: saved and read back, listed per person, erased by retention."""

from __future__ import annotations

from bot.store.store import Store

DAY = 86400


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_conversation_is_saved_replaced_and_read_back(store_target):
    with Store(store_target) as store:
        store.save_conversation("D1", "1.1", surface="dm", state={"draft": "v1"}, user_id="U1")
        store.save_conversation("D1", "1.1", surface="dm", state={"draft": "v2"}, user_id="U1")
        found = store.get_conversation("D1", "1.1")
        assert found["state"] == {"draft": "v2"} and found["surface"] == "dm"
        assert store.get_conversation("D1", "2.2") is None
        assert "010_conversations" in store.applied_migrations()


def test_a_persons_conversations_newest_first(store_target):
    clock = Clock()
    with Store(store_target, clock=clock) as store:
        for n in range(3):
            clock.now += 10
            store.save_conversation("D1", f"{n}.0", surface="dm", state={}, user_id="U1")
        store.save_conversation("D2", "9.0", surface="dm", state={}, user_id="U2")
        assert [c["thread_ts"] for c in store.user_conversations("U1")] == ["2.0", "1.0", "0.0"]


def test_purge_erases_conversations_whose_draft_is_older_than_the_retention(store_target):
    clock = Clock()
    with Store(store_target, clock=clock) as store:
        drafted = clock.now
        store.save_conversation("D1", "old", surface="dm", state={"draft": "BUY NOW"})
        clock.now += 20 * DAY
        store.save_conversation("D1", "new", surface="dm", state={"draft": "Hello"})
        # still talking about the old draft yesterday: its words are still 35 days old
        clock.now += 14 * DAY
        store.save_conversation(
            "D1", "old", surface="dm", state={"draft": "BUY NOW"}, drafted_at=drafted
        )
        clock.now += 1 * DAY
        store.purge(30)
        assert store.get_conversation("D1", "old") is None
        assert store.get_conversation("D1", "new")["state"] == {"draft": "Hello"}

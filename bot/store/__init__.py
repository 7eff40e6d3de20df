"""Everything Social Way remembers: `Store` over SQLite or PostgreSQL."""

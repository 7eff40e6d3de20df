"""Social Way: reviews drafts against a team's rules of engagement."""

__version__ = "0.1.0"

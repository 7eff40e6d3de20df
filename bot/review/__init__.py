"""The domain: playbooks, the rules engine, rewrites and fact checks. Knows nothing of Slack."""

"""The rules engine: a playbook's compiled rules, matched and scored, and the rules rewrite."""

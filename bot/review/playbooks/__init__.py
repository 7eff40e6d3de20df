"""Playbooks: loading, checking and compiling a team's rules of engagement."""

"""The Slack surfaces: a Bolt app, listeners per surface and Block Kit rendering."""

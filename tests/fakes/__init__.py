"""Loopback fakes shared by the tests: servers that record what they are sent and misbehave
on request. They stand in for the outside world (Slack), never for our own code. Beside
them, the helpers several test modules share: reading the Block Kit the app sent
(`block_kit`), driving the settings modal (`settings_modal`), seeding a store (`seed`)."""

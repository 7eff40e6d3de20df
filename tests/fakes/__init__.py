"""Loopback fakes shared by the tests: servers that record what they are sent and misbehave
on request. They stand in for the outside world (Slack), never for our own code."""

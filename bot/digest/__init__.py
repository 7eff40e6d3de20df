"""The weekly digest's domain: what a channel's week adds up to, and when it is due.

week.py (Monday–Sunday in the channel's timezone) → aggregate.py (store → `Digest`, re-scored
through the `Reviewer`) → render.py (the digest's words and plain text); schedule.py says
which channels are due. sparkline.py is shared with App Home. Nothing here knows Slack or
a terminal: Block Kit is bot/slack/digest_blocks.py, posting exactly once is
bot/slack/digest_post.py and the clock bot/slack/digest_clock.py.
"""

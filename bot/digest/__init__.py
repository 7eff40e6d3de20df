"""The weekly digest: what a channel's week adds up to, posted exactly once.

week.py (Monday–Sunday in the channel's timezone) → aggregate.py (store → `Digest`) →
render.py (`Digest` → Block Kit or terminal text) → schedule.py (when it is due; claim,
post with a metadata stamp, recover after a crash). sparkline.py is shared with App Home.
"""

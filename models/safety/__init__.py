"""Safety: blocking a member, reporting members and requests, moderation (warnings, suspensions,
bans) and a member's standing.
"""

"""The names the read-operation generator (`query_gen`) writes: what the fast path answers
itself, field by field, and a few things outside its list that must reach the ordinary executor.
"""

from __future__ import annotations

__all__ = [
    "EVENT_SCALARS",
    "FACETS",
    "OTHER_REQUEST_FIELDS",
    "OTHER_ROOTS",
    "OTHER_USER_FIELDS",
    "REQUEST_SCALARS",
    "RESPONSIVENESS",
    "STATUS_COUNTS",
    "USER_SCALARS",
]

USER_SCALARS = [
    "id", "name", "title", "bio", "avatarUrl", "country", "isMentor", "available", "capacity",
    "createdAt", "email", "tags", "spokenLanguages", "isFavorite", "roles", "mentoredCount",
    "lineageSize", "wasMenteeHere",
]  # fmt: skip
RESPONSIVENESS = [
    "responseRate", "medianResponseHours", "lastActiveAt", "openRequests", "activeMentees",
]  # fmt: skip
REQUEST_SCALARS = [
    "id", "status", "createdAt", "updatedAt", "viewedAt", "respondedAt", "message", "background",
    "expectation", "responseMessage", "declineReason",
]  # fmt: skip
STATUS_COUNTS = [
    "new", "viewed", "approved", "declined", "cancelled", "expired", "completed", "open", "total",
]  # fmt: skip
EVENT_SCALARS = ["id", "cursor", "fromStatus", "toStatus", "occurredAt", "note", "__typename"]
FACETS = ["tags", "countries", "spokenLanguages"]
# Outside the fast path's list: each must send the whole operation to the ordinary executor.
OTHER_USER_FIELDS = [
    "mentorships(first: 2) { totalCount nodes { status since } }",
    "recommendedMentors(first: 2) { score }",
]
OTHER_REQUEST_FIELDS = [
    "feedback { rating authorRole }",
    "history { request { feedback { rating } } }",
]
OTHER_ROOTS = [
    "spotlightMentors(first: 2) { name }",
    'nodes(ids: ["VXNlcjox"]) { id }',
]

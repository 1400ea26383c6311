"""The admin's operations as test documents."""

from __future__ import annotations

ERRORS = "userErrors { code field message }"

ADMIN_REQUESTS = """
query($filter: AdminRequestFilter, $first: Int, $after: String) {
  adminRequests(filter: $filter, first: $first, after: $after) {
    totalCount nodes { id status mentor { id } mentee { id } }
    pageInfo { hasNextPage endCursor }
  }
}"""

UNRESPONSIVE = """
query($days: Float!) {
  unresponsiveMentors(olderThanDays: $days) {
    nodes { mentor { id name available } waitingRequests oldestRequestAgeDays remindersSent
            lastRespondedAt responseRate }
  }
}"""

AVAILABILITY_CHANGES = """
query($mentorId: ID) {
  availabilityChanges(mentorId: $mentorId) {
    nodes { available reason actor { id } mentor { id } }
  }
}"""

SET_AVAILABILITY = f"""
mutation($mentorId: ID!, $available: Boolean!, $decline: Boolean!) {{
  setMentorAvailability(input: {{mentorId: $mentorId, available: $available,
                                 declineOpenRequests: $decline}}) {{
    user {{ id available }} requests {{ id status declineReason }} {ERRORS}
  }}
}}"""

SEND_REMINDER = f"""
mutation($requestId: ID!) {{
  sendMentorReminder(input: {{requestId: $requestId}}) {{ request {{ id status }} {ERRORS} }}
}}"""

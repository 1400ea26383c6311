"""The safety operations (blocks, reports, moderation, audit, members) as test documents."""

from __future__ import annotations

from typing import Any

from mentorgraph.models.accounts.users import User
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import user_gid

ERRORS = "userErrors { code field message retryAfterSeconds }"

BLOCK = f"""mutation($id: ID!) {{
  blockMember(input: {{userId: $id}}) {{
    user {{ id }} requests {{ id status declineReason }} {ERRORS}
  }}
}}"""
UNBLOCK = f"""mutation($id: ID!) {{
  unblockMember(input: {{userId: $id}}) {{ user {{ id }} {ERRORS} }}
}}"""
BLOCKED = """query($first: Int, $after: String) {
  blockedMembers(first: $first, after: $after) {
    totalCount nodes { user { id name } blockedAt } pageInfo { hasNextPage endCursor }
  }
}"""
REPORT_MEMBER = f"""mutation($id: ID!, $category: ReportCategory!, $reason: String!) {{
  reportMember(input: {{userId: $id, category: $category, reason: $reason}}) {{
    report {{ id category reason status reporter {{ id }} targetUser {{ id }}
              targetRequest {{ id }} }}
    {ERRORS}
  }}
}}"""
REPORT_REQUEST = f"""mutation($id: ID!, $category: ReportCategory!, $reason: String!) {{
  reportMentorshipRequest(input: {{requestId: $id, category: $category, reason: $reason}}) {{
    report {{ id category status targetUser {{ id }} targetRequest {{ id }} }} {ERRORS}
  }}
}}"""
REPORTS = """query($status: ReportStatus, $first: Int, $after: String) {
  reports(status: $status, first: $first, after: $after) {
    totalCount
    nodes { id category reason status createdAt resolvedAt resolutionNote
            reporter { id } targetUser { id } targetRequest { id } resolvedBy { id } }
    pageInfo { hasNextPage endCursor }
  }
}"""
DISMISS = f"""mutation($id: ID!, $note: String) {{
  dismissReport(input: {{reportId: $id, note: $note}}) {{ report {{ id status }} {ERRORS} }}
}}"""
WARN = f"""mutation($id: ID!, $reason: String!, $report: ID) {{
  warnMember(input: {{userId: $id, reason: $reason, reportId: $report}}) {{
    user {{ id }} {ERRORS}
  }}
}}"""
SUSPEND = f"""mutation($id: ID!, $until: DateTime!, $reason: String!, $report: ID) {{
  suspendMember(input: {{userId: $id, until: $until, reason: $reason, reportId: $report}}) {{
    user {{ id status suspendedUntil available }} requests {{ id status }} {ERRORS}
  }}
}}"""
BAN = f"""mutation($id: ID!, $reason: String!) {{
  banMember(input: {{userId: $id, reason: $reason}}) {{
    user {{ id status }} requests {{ id status }} {ERRORS}
  }}
}}"""
UNSUSPEND = f"""mutation($id: ID!, $reason: String!) {{
  unsuspendMember(input: {{userId: $id, reason: $reason}}) {{ user {{ id status }} {ERRORS} }}
}}"""
AUDIT = """query($actor: ID, $action: AuditAction, $target: ID, $first: Int, $after: String) {
  adminAuditLog(actor: $actor, action: $action, target: $target, first: $first, after: $after) {
    totalCount
    nodes { action reason occurredAt actor { id } targetUser { id } targetRequest { id }
            targetReportId }
    pageInfo { hasNextPage endCursor }
  }
}"""
MEMBERS = """query($role: MemberRole, $status: MemberStatus, $search: String, $first: Int,
                  $after: String) {
  members(role: $role, status: $status, search: $search, first: $first, after: $after) {
    totalCount nodes { id name email status suspendedUntil } pageInfo { hasNextPage endCursor }
  }
}"""


async def run(
    client: GraphQLClient, document: str, as_user: User | None, **variables: Any
) -> dict[str, Any]:
    """The payload of a one-field mutation (asserts no top-level error)."""
    response = await client.execute(document, variables, as_user=as_user)
    data = response.data
    [value] = data.values()
    return value  # type: ignore[no-any-return]


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


__all__ = ["user_gid"]

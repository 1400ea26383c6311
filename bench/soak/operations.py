"""The GraphQL operations the soak's clients send."""

from __future__ import annotations

SIGN_UP = """mutation ($input: SignUpInput!) { signUp(input: $input) {
  token userErrors { code } } }"""
LOG_IN = """mutation ($input: LogInInput!) { logIn(input: $input) {
  token userErrors { code } } }"""
DIRECTORY = """query ($first: Int, $filter: MentorFilter) {
  mentors(first: $first, filter: $filter) {
    totalCount nodes { id name title tags available responsiveness { responseRate } }
    pageInfo { hasNextPage endCursor } } }"""
FACETS = "{ mentorFacets { tags { value count } countries { value count } } }"
VIEWER = """{ viewer { id name
  sentRequests(first: 10) { nodes { id status mentor { id name } } } } }"""
MY_SENT = """query ($status: [RequestStatus!]) { viewer {
  sentRequests(first: 20, status: $status) { nodes { id status } } } }"""
MY_RECEIVED = """query ($status: [RequestStatus!]) { viewer {
  receivedRequests(first: 20, status: $status) { nodes { id status } } } }"""
CREATE = """mutation ($input: CreateMentorshipRequestInput!) {
  createMentorshipRequest(input: $input) { request { id status } userErrors { code } } }"""
MARK_VIEWED = """mutation ($id: ID!) { markMentorshipRequestViewed(input: {requestId: $id}) {
  request { id status } userErrors { code } } }"""
APPROVE = """mutation ($id: ID!) { approveMentorshipRequest(input: {requestId: $id}) {
  request { id status } userErrors { code } } }"""
DECLINE = """mutation ($id: ID!) { declineMentorshipRequest(
  input: {requestId: $id, reason: NO_CAPACITY}) { request { id status } userErrors { code } } }"""
CANCEL = """mutation ($id: ID!) { cancelMentorshipRequest(input: {requestId: $id}) {
  request { id status } userErrors { code } } }"""
COMPLETE = """mutation ($id: ID!) { completeMentorship(input: {requestId: $id}) {
  request { id status } userErrors { code } } }"""
EVENTS = """subscription ($after: String) { mentorshipRequestEvents(after: $after) {
  id cursor fromStatus toStatus request { id } } }"""
# What a slow reader asks for again and again without reading the answers.
HEAVY = """{ mentors(first: 100) { totalCount nodes { id name title bio tags spokenLanguages
  responsiveness { responseRate medianResponseHours } channels { type handle } } } }"""
TEXT = "I would like to learn how to build reliable services, step by step, with you."

"""Tests of the GraphQL surface every domain shares: the schema and its documentation, the compiled
reads and payloads, paging, cost and limits, read rules, persisted queries, subscriptions, the
JavaScript clients and hostile input.
"""

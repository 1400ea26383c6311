"""Notifications: who is told what when something changes, the in-app list, email preferences and
the daily digest, the emails' templates, the transactional outbox and one-click unsubscribe.
"""

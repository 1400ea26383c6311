"""Admins' work: what they read about requests and silent mentors, what they do about them, the
member list, the audit of admin actions and the statistics over time.
"""

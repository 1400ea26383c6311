"""Accounts: who a member is and how they get in — sign-up, profiles, credentials and throttled
sign-in, sessions, passwords and their reset, verifying an address, exporting one's data,
leaving.
"""

"""Mentorship requests: asking, the lifecycle table and its one write path, the guards and counting
rules, the message thread, the clock (reminders, the ladder, silent mentors, expiry), answering
from an email, suggestions, events and feedback after a mentorship.
"""

"""The directory: finding a mentor — the directory's filters and order, favourites, the spotlight,
recommendations, responsiveness and presence, a mentor's availability, and becoming a mentor
(applications).
"""

"""The mentorship graph: approved and completed requests as edges mentor -> mentee, the graph
around someone, and its public, anonymous aggregates (lineage).
"""

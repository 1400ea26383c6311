"""The truth of mentorgraph: Tortoise models and the business rules that govern them.

Nothing here knows about GraphQL or HTTP.
"""

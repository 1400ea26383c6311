"""`RequestStatus` and `DeclineReason`, apart from the request type so `User` can use them."""

from __future__ import annotations

import strawberry

from models.requests import DeclineReason as DeclineReasonEnum
from models.requests import RequestStatus as RequestStatusEnum

__all__ = ["DeclineReason", "RequestStatus"]

RequestStatus = strawberry.enum(RequestStatusEnum, name="RequestStatus")
DeclineReason = strawberry.enum(DeclineReasonEnum, name="DeclineReason")

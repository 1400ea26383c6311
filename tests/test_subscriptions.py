"""`mentorshipRequestEvents` over graphql-transport-ws with gql, against a real server."""

from __future__ import annotations

from models.requests import RequestStatus
from resolvers.ids import encode_global_id
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.factories import make_mentor, make_request, make_user
from tests.utils.status import change_status
from tests.utils.subscriptions import FROM_START, subscribed


async def test_mentor_and_mentee_receive_each_change_in_order(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentor, mentee)
    viewed = await change_status(request, RequestStatus.VIEWED, actor=mentor)
    async with (
        subscribed(url, client.tokens.issue(mentor), FROM_START) as for_mentor,
        subscribed(url, client.tokens.issue(mentee), FROM_START) as for_mentee,
    ):
        for reader in (for_mentor, for_mentee):
            # Replayed from the table; once it is here, later changes arrive live.
            replayed = await reader.next()
            assert replayed["id"] == encode_global_id("RequestEvent", viewed.id)
            assert (replayed["fromStatus"], replayed["toStatus"]) == ("NEW", "VIEWED")
        await change_status(request, RequestStatus.APPROVED, actor=mentor, note="Welcome!")
        await change_status(request, RequestStatus.COMPLETED, actor=mentee)
        for reader in (for_mentor, for_mentee):
            approved, completed = await reader.take(2)
            assert (approved["fromStatus"], approved["toStatus"]) == ("VIEWED", "APPROVED")
            assert approved["note"] == "Welcome!"
            assert approved["actor"] == {"id": encode_global_id("User", mentor.id)}
            assert approved["request"]["mentee"] == {"id": encode_global_id("User", mentee.id)}
            assert completed["toStatus"] == "COMPLETED"
            # Loaded fresh for each event, never from a cache kept across events.
            assert completed["request"]["status"] == "COMPLETED"
            assert completed["actor"] == {"id": encode_global_id("User", mentee.id)}

"""`email` and `channels` are null for those not entitled to them, however a User is reached."""

from __future__ import annotations

from devkit.factories import make_mentor, make_user
from mentorgraph.models.accounts.users import ChannelType
from mentorgraph.resolvers.ids import encode_global_id
from tests.utils.client import GraphQLClient

QUERY = "query($id: ID!) { node(id: $id) { ... on User { email channels { handle } } } }"


async def test_email_and_channels_visibility(client: GraphQLClient) -> None:
    mentor = await make_mentor(email="m@example.org", channels=[(ChannelType.GITHUB, "mentor")])
    other = await make_user()
    admin = await make_user(admin=True)
    variables = {"id": encode_global_id("User", mentor.id)}
    private = {"email": "m@example.org", "channels": [{"handle": "mentor"}]}
    hidden = {"email": None, "channels": None}

    assert (await client.execute(QUERY, variables)).data["node"] == hidden
    assert (await client.execute(QUERY, variables, as_user=other)).data["node"] == hidden
    assert (await client.execute(QUERY, variables, as_user=mentor)).data["node"] == private
    assert (await client.execute(QUERY, variables, as_user=admin)).data["node"] == private

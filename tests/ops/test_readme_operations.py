"""Every GraphQL operation in README.md runs (issue 13, item 7): each ```graphql block (and the
subscription in the ```js example) is split into its operations, placeholders such as
"<a mentor's id>" become real ids, and each runs against a real server over HTTP as a suitable
viewer, with no errors and no userErrors; the subscription is started over a WebSocket and
delivers an event. An operation added to the README must be named and given a viewer here."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from graphql import OperationDefinitionNode, OperationType, parse, print_ast

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from devkit.live_server import LiveServer
from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.security import TokenService
from tests.utils.raw_ws import init, open_socket, receive, subscribe
from tests.utils.subscriptions import FROM_START, PATIENCE

README = Path(__file__).resolve().parents[2] / "README.md"

# Who runs each README operation, in the order they run: the ```graphql blocks as the README
# has them, then the JavaScript example ("ada" is the account the README's SignUp makes).
VIEWERS: dict[str, str | None] = {
    "SignUp": None,
    "VerifyEmail": None,  # the link works without signing in
    "UpdateProfile": "ada",
    "Browse": "ada",
    "AddFavoriteMentor": "ada",
    "FavoriteMentors": "ada",
    "RequestMentorship": "ada",
    "MySentRequests": "ada",
    "MyReceivedRequests": "mentor",
    "MyNotifications": "ada",
    "AdminOverview": "admin",
    "RemindMentor": "admin",
    "SetMentorUnavailable": "admin",
    "ReportQueue": "admin",
    "CommunityStatistics": "admin",
    "MyMentorships": "mentor",
    "MentorshipGraph": "ada",
    "LeaveFeedback": "former_mentee",
    "RecommendedMentors": "ada",
    "SpotlightMentors": None,
    "RequestEvents": "ada",  # the JavaScript example's subscription, run last
}


def readme_documents() -> list[str]:
    text = README.read_text()
    documents = re.findall(r"```graphql\n(.*?)```", text, re.S)
    # The JavaScript example's subscription (a template literal after `query:`).
    documents += re.findall(r"```js\n.*?query: `(.*?)`", text, re.S)
    return documents


def readme_operations() -> list[OperationDefinitionNode]:
    operations = []
    for document in readme_documents():
        for definition in parse(document).definitions:
            assert isinstance(definition, OperationDefinitionNode), print_ast(definition)
            operations.append(definition)
    return operations


def test_every_readme_operation_is_named_and_has_a_viewer() -> None:
    names = [op.name.value if op.name else print_ast(op)[:60] for op in readme_operations()]
    assert sorted(names) == sorted(VIEWERS), "name each README operation and list it in VIEWERS"


class World:
    """Ids the README's placeholders stand for, and a token per viewer."""

    def __init__(self, tokens: TokenService) -> None:
        self.tokens = tokens
        self.token: dict[str, str] = {}
        self.verify_token = ""

    async def build(self) -> None:
        self.mentor = await make_mentor(
            name="Grace",
            title="Data engineer",
            country="DE",
            tags=["python", "graphql"],
            languages=["en"],
        )
        self.admin = await make_user(name="Admin", admin=True)
        # A mentor with an open request from someone (for the admin's reminder and decline).
        self.quiet_mentor = await make_mentor(name="Quiet")
        self.open_request = await make_request(
            mentee=await make_user(name="Waiting"), mentor=self.quiet_mentor
        )
        # A completed mentorship of `mentor` (feedback), an active one (mentorships, graph).
        self.former_mentee = await make_user(name="Former")
        self.completed = await make_mentorship(
            mentor=self.mentor, mentee=self.former_mentee, completed=True
        )
        await make_mentorship(mentor=self.mentor, mentee=await make_user(name="Current"))
        for name, user in (
            ("mentor", self.mentor),
            ("admin", self.admin),
            ("former_mentee", self.former_mentee),
        ):
            self.token[name] = self.tokens.issue(user)

    def fill(self, document: str) -> str:
        mentor = encode_global_id("User", self.mentor.id)
        replacements = {
            '"<a mentor\'s id>"': mentor,
            '"<a user\'s id>"': mentor,
            '"VXNlcjox"': mentor,  # the README's example id
            '"<the token from the email>"': self.verify_token,
            '"<a completed request>"': encode_global_id("MentorshipRequest", self.completed.id),
            'requestId: "..."': encode_global_id("MentorshipRequest", self.open_request.id),
            'mentorId: "..."': encode_global_id("User", self.quiet_mentor.id),
        }
        for placeholder, value in replacements.items():
            key = placeholder.split('"')[0]
            document = document.replace(placeholder, f'{key}"{value}"')
        assert '"<' not in document and '"..."' not in document, document
        return document


def user_errors(data: Any) -> list[Any]:
    """Every `userErrors` entry anywhere in the answer."""
    if isinstance(data, dict):
        found = list(data.get("userErrors") or [])
        return found + [e for key, v in data.items() if key != "userErrors" for e in user_errors(v)]
    if isinstance(data, list):
        return [e for item in data for e in user_errors(item)]
    return []


async def run_subscription(url: str, document: str, token: str) -> dict[str, Any]:
    ws = await open_socket(url)
    try:
        await init(ws, token)
        assert (await receive(ws))["type"] == "connection_ack"
        # From the start: the request README's RequestMentorship made is replayed at once.
        await subscribe(ws, document, {"after": FROM_START})
        return await asyncio.wait_for(receive(ws), PATIENCE)
    finally:
        await ws.close()


async def test_every_readme_operation_runs(live_server: LiveServer) -> None:
    world = World(TokenService(live_server.settings.resolved_jwt_secret, timedelta(hours=1)))
    await world.build()
    ran = []
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        for operation in readme_operations():
            assert operation.name is not None
            name = operation.name.value
            document = world.fill(print_ast(operation))
            viewer = VIEWERS[name]
            token = world.token.get(viewer) if viewer else None
            variables = {v.variable.name.value: None for v in operation.variable_definitions or ()}
            if operation.operation is OperationType.SUBSCRIPTION:
                assert token is not None
                message = await run_subscription(live_server.url, document, token)
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message
                assert message["payload"]["data"]["mentorshipRequestEvents"]["toStatus"] == "NEW"
                ran.append(name)
                continue
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            body = {"query": document, "variables": variables, "operationName": name}
            response = await http.post("/graphql", json=body, headers=headers)
            answer = response.json()
            assert response.status_code == 200, (name, answer)
            assert "errors" not in answer, (name, answer)
            assert user_errors(answer["data"]) == [], (name, answer)
            assert all(value is not None for value in answer["data"].values()), (name, answer)
            if name == "SignUp":
                world.token["ada"] = answer["data"]["signUp"]["token"]
                # The link of the verification email, as ada would open it.
                email = await OutboxEmail.filter(to_email="ada@example.org").order_by("-id").first()
                assert email is not None
                world.verify_token = re.findall(r"/verify-email#token=([\w-]+)", email.text_body)[0]
            ran.append(name)
    assert ran == list(VIEWERS)
    # What the operations did, as the README says they would.
    ada = await User.get(email="ada@example.org")
    assert ada.email_verified
    assert await MentorshipRequest.filter(mentee_id=ada.id, mentor_id=world.mentor.id).exists()
    declined = await MentorshipRequest.get(id=world.open_request.id)
    assert declined.status is RequestStatus.DECLINED

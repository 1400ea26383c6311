"""signUp, logIn (with throttling), viewer, updateProfile, setAvailability over HTTP."""

from __future__ import annotations

from devkit.factories import PASSWORD, make_mentor, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from tests.utils.client import GraphQLClient

SIGN_UP = """
mutation($input: SignUpInput!) {
  signUp(input: $input) { token viewer { id name email roles } userErrors { field message code } }
}"""
LOG_IN = """
mutation($input: LogInInput!) {
  logIn(input: $input) { token viewer { email } userErrors { field message code } }
}"""
UPDATE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    user { name title bio country tags spokenLanguages avatarUrl capacity channels { type handle } }
    userErrors { field message code }
  }
}"""


async def test_sign_up_returns_a_working_token(client: GraphQLClient) -> None:
    result = await client.execute(
        SIGN_UP, {"input": {"email": " Ada@Example.org ", "password": PASSWORD, "name": "Ada"}}
    )
    payload = result.data["signUp"]
    assert payload["userErrors"] == []
    assert payload["viewer"]["email"] == "ada@example.org"
    assert payload["viewer"]["roles"] == ["MEMBER"]

    me = await client.execute("{ viewer { name email } }", token=payload["token"])
    assert me.data["viewer"] == {"name": "Ada", "email": "ada@example.org"}


async def test_sign_up_refuses_a_taken_email_case_insensitively(client: GraphQLClient) -> None:
    await make_user(email="ada@example.org")
    result = await client.execute(
        SIGN_UP, {"input": {"email": "ADA@example.org", "password": PASSWORD, "name": "Ada"}}
    )
    payload = result.data["signUp"]
    assert payload["token"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("EMAIL_TAKEN", ["email"])]
    assert await User.all().count() == 1


async def test_sign_up_reports_every_bad_field(client: GraphQLClient) -> None:
    result = await client.execute(
        SIGN_UP, {"input": {"email": "not-an-email", "password": "short", "name": "  "}}
    )
    errors = result.data["signUp"]["userErrors"]
    assert sorted(e["field"][0] for e in errors) == ["email", "name", "password"]
    assert {e["code"] for e in errors} == {"INVALID_INPUT"}
    assert await User.all().count() == 0


async def test_log_in_with_right_and_wrong_password(client: GraphQLClient) -> None:
    await make_user(email="ada@example.org")
    ok = await client.execute(LOG_IN, {"input": {"email": "ADA@example.org", "password": PASSWORD}})
    assert ok.data["logIn"]["viewer"] == {"email": "ada@example.org"}
    bad = await client.execute(LOG_IN, {"input": {"email": "ada@example.org", "password": "nope"}})
    assert bad.data["logIn"]["token"] is None
    assert bad.data["logIn"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    unknown = await client.execute(LOG_IN, {"input": {"email": "who@example.org", "password": "x"}})
    assert unknown.data["logIn"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_repeated_failed_log_ins_are_throttled(client: GraphQLClient) -> None:
    await make_user(email="ada@example.org")
    clock.pin(clock.now())  # the back-off's first second must not pass while hashes run
    for _ in range(5):
        bad = await client.execute(LOG_IN, {"input": {"email": "ada@example.org", "password": "x"}})
        assert bad.data["logIn"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    throttled = await client.execute(
        LOG_IN, {"input": {"email": "ada@example.org", "password": PASSWORD}}
    )
    payload = throttled.data["logIn"]
    assert payload["token"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["LOGIN_THROTTLED"]
    assert "Try again" in payload["userErrors"][0]["message"]


async def test_a_bad_token_is_refused_not_treated_as_anonymous(client: GraphQLClient) -> None:
    result = await client.execute("{ viewer { id } }", token="not.a.token")
    assert result.status == 401
    assert result.error_codes == ["UNAUTHENTICATED"]


async def test_update_profile_normalises_and_saves(client: GraphQLClient) -> None:
    user = await make_user()
    result = await client.execute(
        UPDATE,
        {
            "input": {
                "name": " Grace Hopper ",
                "title": "Rear admiral",
                "country": "us",
                "tags": ["COBOL", " compilers ", "cobol"],
                "spokenLanguages": ["EN", "de"],
                "avatarUrl": "https://example.org/grace.png",
                "capacity": 2,
                "channels": [
                    {"type": "EMAIL", "handle": "grace@example.org"},
                    {"type": "GITHUB", "handle": "grace"},
                ],
            }
        },
        as_user=user,
    )
    payload = result.data["updateProfile"]
    assert payload["userErrors"] == []
    assert payload["user"] == {
        "name": "Grace Hopper",
        "title": "Rear admiral",
        "bio": "",
        "country": "US",
        "tags": ["cobol", "compilers"],
        "spokenLanguages": ["en", "de"],
        "avatarUrl": "https://example.org/grace.png",
        "capacity": 2,
        "channels": [
            {"type": "EMAIL", "handle": "grace@example.org"},
            {"type": "GITHUB", "handle": "grace"},
        ],
    }


async def test_update_profile_refuses_bad_fields_and_changes_nothing(
    client: GraphQLClient,
) -> None:
    user = await make_user(name="Before", tags=["python"])
    result = await client.execute(
        UPDATE,
        {
            "input": {
                "name": "After",
                "country": "XX",
                "spokenLanguages": ["english"],
                "tags": [],
                "avatarUrl": "http://insecure.example.org/a.png",
                "channels": [{"type": "TWITTER", "handle": "far too long for twitter handles"}],
            }
        },
        as_user=user,
    )
    payload = result.data["updateProfile"]
    assert payload["user"] is None
    fields = sorted(e["field"][0] for e in payload["userErrors"])
    assert fields == ["avatarUrl", "channels", "country", "spokenLanguages", "tags"]
    me = await client.execute("{ viewer { name tags } }", as_user=user)
    assert me.data["viewer"] == {"name": "Before", "tags": ["python"]}


async def test_update_profile_needs_a_viewer(client: GraphQLClient) -> None:
    result = await client.execute(UPDATE, {"input": {"name": "X"}})
    assert result.error_codes == ["UNAUTHENTICATED"]


async def test_set_availability_is_for_mentors(client: GraphQLClient) -> None:
    query = """mutation($a: Boolean!) { setAvailability(input: {available: $a}) {
        user { available } userErrors { code } } }"""
    mentor = await make_mentor()
    done = await client.execute(query, {"a": False}, as_user=mentor)
    assert done.data["setAvailability"] == {"user": {"available": False}, "userErrors": []}
    member = await make_user()
    refused = await client.execute(query, {"a": False}, as_user=member)
    assert refused.data["setAvailability"]["userErrors"] == [{"code": "FORBIDDEN"}]


async def test_an_expired_token_is_refused(client: GraphQLClient) -> None:
    from datetime import timedelta

    from mentorgraph.models import clock

    user = await make_user()
    # Issued 30 days ago: past the default 7-day lifetime (PyJWT checks against the real clock).
    clock.advance(timedelta(days=-30))
    try:
        expired = client.tokens.issue(user)
    finally:
        clock.reset()
    result = await client.execute("{ viewer { id } }", token=expired)
    assert result.status == 401
    assert result.error_codes == ["UNAUTHENTICATED"]
    assert (await client.execute("{ viewer { id } }", as_user=user)).status == 200


async def test_a_token_for_a_deleted_account_is_refused(client: GraphQLClient) -> None:
    user = await make_user()
    token = client.tokens.issue(user)
    await user.delete()
    result = await client.execute("{ viewer { id } }", token=token)
    assert result.error_codes == ["UNAUTHENTICATED"]

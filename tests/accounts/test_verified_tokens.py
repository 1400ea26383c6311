"""Verified tokens are kept (`mentorgraph.security.TokenService`): a token's signature is checked
once, then what it says is served from a bounded cache; expiry is still checked on every use,
and nothing but a valid token is ever kept."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from devkit.factories import make_user
from mentorgraph import security
from mentorgraph.security import InvalidToken, TokenService

SECRET = "a-test-secret-a-test-secret-a-test-secret"


async def test_a_kept_token_still_expires(db: None) -> None:
    tokens = TokenService(SECRET, timedelta(seconds=2))
    user = await make_user()
    token = tokens.issue(user)
    assert tokens.user_id_for(token) == user.id
    assert tokens.user_id_for(token) == user.id  # from the cache
    # PyJWT's rule: expired once `exp <= now`; `exp` is whole seconds, so wait past it.
    await asyncio.sleep(max(0.0, tokens.credentials_for(token).expires_at - time.time()) + 0.05)
    with pytest.raises(InvalidToken):
        tokens.user_id_for(token)
    assert token not in tokens._verified


async def test_only_valid_tokens_are_kept_and_the_cache_is_bounded(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(security, "VERIFIED_TOKENS_KEPT", 5)
    tokens = TokenService(SECRET, timedelta(hours=1))
    user = await make_user()
    token = tokens.issue(user)
    tokens.user_id_for(token)
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    other_secret = TokenService("another-secret-another-secret-another", timedelta(hours=1))
    for bad in (forged, other_secret.issue(user), "not-a-token"):
        with pytest.raises(InvalidToken):
            tokens.user_id_for(bad)
    assert list(tokens._verified) == [token]
    issued = [tokens.issue(user, ttl=timedelta(minutes=10 + n)) for n in range(8)]
    for each in issued:
        tokens.user_id_for(each)
    assert list(tokens._verified) == issued[-5:]

"""A document is validated once, then answered from the validation cache (the same rules every
time), while the guard rails inside validation keep refusing what they refused."""

from __future__ import annotations

from strawberry.extensions.validation_cache import _get_validate_cache

from tests.utils.client import GraphQLClient

QUERY = "query Cached { mentors(first: 1) { nodes { name } } }"


async def test_the_same_document_is_validated_once(ordinary_client: GraphQLClient) -> None:
    # Strawberry's cache, on the ordinary path (the fast read path keeps its own).
    client = ordinary_client
    cache = _get_validate_cache(512)
    await client.execute(QUERY)
    before = cache.cache_info()  # type: ignore[attr-defined]
    for _ in range(3):
        result = await client.execute(QUERY)
        assert result.data == {"mentors": {"nodes": []}}
    after = cache.cache_info()  # type: ignore[attr-defined]
    assert after.hits - before.hits == 3
    assert after.misses == before.misses


async def test_cached_rules_still_refuse_deep_documents(client: GraphQLClient) -> None:
    deep = "{ viewer " + "{ favoriteMentors { nodes " * 8 + "{ name }" + " } }" * 8 + " }"
    for _ in range(2):
        result = await client.execute(deep)
        assert result.error_codes == ["QUERY_TOO_COMPLEX"]

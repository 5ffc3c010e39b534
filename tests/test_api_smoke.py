"""A first look through HTTP: the demo's quotes come back with their speakers."""

from __future__ import annotations

from tests.conftest import GraphQLClient


def test_quotes_with_speakers(api: GraphQLClient) -> None:
    data = api.query("{ quotes(first: 2) { totalCount edges { node { text speaker { name } } } } }")
    assert data["quotes"]["totalCount"] == 13
    assert data["quotes"]["edges"][0]["node"]["speaker"]["name"] == "Sergey Lavrov"

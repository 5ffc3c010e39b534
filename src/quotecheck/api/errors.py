"""Errors a client caused (a bad ID, cursor or argument): shown to the client as they are, never masked."""

from __future__ import annotations

from graphql import GraphQLError

from quotecheck.errors import QuotecheckError

__all__ = ["BadInput", "client_error"]


class BadInput(QuotecheckError):
    code = "BAD_USER_INPUT"


def client_error(error: BaseException | None) -> bool:
    """True for errors whose message is meant for the client; anything else is masked and logged."""
    return error is None or isinstance(error, QuotecheckError | GraphQLError)

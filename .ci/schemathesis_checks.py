"""schemathesis checks for quotecheck (loaded through SCHEMATHESIS_HOOKS by .ci/fuzz-graphql).

schemathesis' own `not_a_server_error` counts every GraphQL field error as a server failure; here a client's
mistake is reported as a field error on purpose (BAD_USER_INPUT, UNAUTHENTICATED, NOT_FOUND ...), so the check
is narrower and stricter where it matters: no 5xx, no masked internal error, nothing that leaks internals, and
every error well-formed.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# Strings from the whole range the API must stand: st.text's (every code point but surrogates, which a JSON body
# cannot carry raw), with controls, NUL, bidi overrides and isolates, combining marks and noncharacters mixed in,
# and strings just over each kind's limit (quotecheck.clean): every one is refused or kept, never a crash.
_SPECIAL = ["\x00", "\x1b", "\x85", "\x9b", "\u202e", "\u2066", "\u0301", "e\u0301", "\ufffe", "\U0010ffff"]
schemathesis.graphql.scalar(
    "String",
    st.one_of(
        st.sampled_from(_SPECIAL).map("nato{}x".format),
        st.text(),
        st.lists(st.one_of(st.sampled_from(_SPECIAL), st.text(max_size=3)), max_size=8).map("".join),
        st.sampled_from([201, 301, 1_001, 2_001, 10_001]).map("x".__mul__),
    ).map(nodes.String),
)

LEAKS = ("Traceback", 'File "', "site-packages", "sqlalchemy", "SELECT ", "sqlite3", "psycopg")


@schemathesis.check
def quotecheck_no_server_error(ctx: Any, response: Any, case: Any) -> None:
    """No 5xx, no INTERNAL error, no traceback/SQL/path, and every error has a message and a code."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    sent = str(getattr(case, "body", ""))  # what the client sent may be echoed in a validation message
    for leak in LEAKS:
        if leak in response.text and leak not in sent:
            raise AssertionError(f"the response shows {leak!r}: {response.text[:500]}")
    body = json.loads(response.text)
    for error in body.get("errors") or ():
        code = (error.get("extensions") or {}).get("code")
        if not isinstance(error.get("message"), str) or not error["message"].strip() or not code:
            raise AssertionError(f"an error without message or extensions.code: {error}")
        if code == "INTERNAL":
            raise AssertionError(f"an internal error: {error}")

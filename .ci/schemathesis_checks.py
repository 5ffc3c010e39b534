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

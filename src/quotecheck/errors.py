"""The errors quotecheck raises on purpose.

Every one carries a message for a person: what went wrong and what to do next. The CLI prints it on one
line and exits non-zero; the API (later) turns it into a GraphQL error or a `userErrors` entry.

- `QuotecheckError`: the root; anything else escaping is a bug.
  - `ConfigError`: a setting (an environment variable) is unusable.
  - `DatabaseUnavailable`: the database cannot be reached or opened.
  - `SchemaOutOfDate`: the database is not at the migration head.
  - `NotFound`: a looked-up record does not exist.
  - `ValidationError`: input breaks a rule of the domain; `field` names the input field when there is one.
  - `Conflict`: the input clashes with stored data (a duplicate, an ambiguous name, a merge that would lose data,
    an update built on a stale `version`: then `current_version` holds the version stored now).
  - `Unauthenticated`: no usable credentials (no token where one is needed, or a revoked or unknown one).
  - `Forbidden`: the credentials are good but their role may not do this.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "Conflict",
    "DatabaseUnavailable",
    "Forbidden",
    "NotFound",
    "QuotecheckError",
    "SchemaOutOfDate",
    "Unauthenticated",
    "ValidationError",
]


class QuotecheckError(Exception):
    """Base of every error quotecheck raises on purpose; its message says what to do."""

    code = "ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConfigError(QuotecheckError):
    code = "BAD_CONFIG"


class DatabaseUnavailable(QuotecheckError):
    code = "DATABASE_UNAVAILABLE"


class SchemaOutOfDate(QuotecheckError):
    code = "SCHEMA_OUT_OF_DATE"


class NotFound(QuotecheckError):
    code = "NOT_FOUND"


class ValidationError(QuotecheckError):
    code = "INVALID"


class Conflict(QuotecheckError):
    code = "CONFLICT"

    def __init__(self, message: str, *, field: str | None = None, current_version: int | None = None) -> None:
        super().__init__(message, field=field)
        self.current_version = current_version


class Unauthenticated(QuotecheckError):
    code = "UNAUTHENTICATED"


class Forbidden(QuotecheckError):
    code = "FORBIDDEN"

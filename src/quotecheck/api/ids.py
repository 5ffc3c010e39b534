"""Global IDs ("Quote:12", base64url) and keyset cursors: opaque to clients, checked on the way in."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from quotecheck.api.errors import BadInput
from quotecheck.global_ids import b64encode as _b64encode
from quotecheck.global_ids import encode_id

__all__ = ["decode_cursor", "decode_id", "encode_cursor", "encode_id"]

_ID_TEXT = re.compile(r"([A-Z][A-Za-z]*):([1-9][0-9]{0,9})")
MAX_KEY = 2**31 - 1  # the largest primary key: INTEGER columns are 32-bit on PostgreSQL


def _b64decode(text: str) -> str:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")


def decode_id(global_id: str, expected: str | tuple[str, ...] | None = None) -> tuple[str, int]:
    """(type name, row id) from a global ID; a malformed ID or one of another type is a clear error.

    Only the form `encode_id` writes is accepted, so one row has one ID ("Quote:010", "Quote: 1" and base64
    with stray characters are refused) and a key never overflows the database's integer columns.
    """
    given = global_id.strip().rstrip("=")
    try:
        match = _ID_TEXT.fullmatch(_b64decode(given))
    except (binascii.Error, UnicodeError, ValueError):
        match = None
    if match is None or _b64encode(match[0]) != given or int(match[2]) > MAX_KEY:
        raise BadInput(f"{global_id!r} is not a quotecheck ID; use an `id` returned by this API")
    type_name, row_id = match[1], int(match[2])
    allowed = (expected,) if isinstance(expected, str) else expected
    if allowed is not None and type_name not in allowed:
        wanted = " or ".join(f"{'an' if name[0] in 'AEIOU' else 'a'} {name}" for name in allowed)
        article = "an" if type_name[:1] in "AEIOU" else "a"
        raise BadInput(f"ID {global_id!r} names {article} {type_name}, not {wanted}")
    return type_name, row_id


def _is_int(value: Any) -> bool:
    """An integer a database INTEGER holds (sort keys are ids, or dates as YYYYMMDD)."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_KEY - 1 <= value <= MAX_KEY


def _is_key(value: Any) -> bool:
    return _is_int(value) and value > 0


def encode_cursor(order: str, value: Any, key: int) -> str:
    return _b64encode(json.dumps([order, value, key], separators=(",", ":")))


def decode_cursor(cursor: str, order: str, kind: type | None = None) -> tuple[Any, int]:
    """(sort value, row id) of a cursor made for the same ordering; anything else is a clear error.

    `kind`, the Python type of the ordering's sort key, keeps a forged value out of the SQL comparison.
    """
    try:
        made_for, value, key = json.loads(_b64decode(cursor.strip()))
        if not isinstance(made_for, str) or not _is_key(key):
            raise ValueError
        if not (isinstance(value, str) or _is_int(value)) or (
            kind is not None and not isinstance(value, kind)
        ):
            raise ValueError
    except (binascii.Error, UnicodeError, ValueError, TypeError):
        raise BadInput(
            f"{cursor!r} is not a cursor; pass a `cursor` or `pageInfo` value returned by this API"
        ) from None
    if made_for != order:
        raise BadInput(
            f"this cursor was made for orderBy {made_for}, not {order}; page with the same orderBy"
        )
    return value, key

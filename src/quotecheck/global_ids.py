"""Global IDs as clients see them ("Quote:12", base64url without padding); decoding, which checks input,
lives with the API (quotecheck.api.ids). Here so that the audit trail can name objects the way the API does."""

from __future__ import annotations

import base64

__all__ = ["b64encode", "encode_id"]


def b64encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def encode_id(type_name: str, key: int) -> str:
    return b64encode(f"{type_name}:{key}")

"""Token mutations (being written)."""

from __future__ import annotations

import strawberry

__all__ = ["TokenMutations"]


@strawberry.type
class TokenMutations:
    @strawberry.mutation(description="placeholder; removed when the real mutations land")
    def placeholder_tokens(self) -> bool:
        return False

"""Quote mutations (being written)."""

from __future__ import annotations

import strawberry

__all__ = ["QuoteMutations"]


@strawberry.type
class QuoteMutations:
    @strawberry.mutation(description="placeholder; removed when the real mutations land")
    def placeholder_quotes(self) -> bool:
        return False

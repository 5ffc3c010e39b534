"""FactCheck mutations (being written)."""

from __future__ import annotations

import strawberry

__all__ = ["FactCheckMutations"]


@strawberry.type
class FactCheckMutations:
    @strawberry.mutation(description="placeholder; removed when the real mutations land")
    def placeholder_factchecks(self) -> bool:
        return False

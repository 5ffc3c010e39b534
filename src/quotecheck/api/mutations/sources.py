"""Source mutations (being written)."""

from __future__ import annotations

import strawberry

__all__ = ["SourceMutations"]


@strawberry.type
class SourceMutations:
    @strawberry.mutation(description="placeholder; removed when the real mutations land")
    def placeholder_sources(self) -> bool:
        return False

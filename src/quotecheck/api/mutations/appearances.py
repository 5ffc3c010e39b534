"""Appearance mutations (being written)."""

from __future__ import annotations

import strawberry

__all__ = ["AppearanceMutations"]


@strawberry.type
class AppearanceMutations:
    @strawberry.mutation(description="placeholder; removed when the real mutations land")
    def placeholder_appearances(self) -> bool:
        return False

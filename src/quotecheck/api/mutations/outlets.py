"""Outlet mutations (being written)."""

from __future__ import annotations

import strawberry

__all__ = ["OutletMutations"]


@strawberry.type
class OutletMutations:
    @strawberry.mutation(description="placeholder; removed when the real mutations land")
    def placeholder_outlets(self) -> bool:
        return False

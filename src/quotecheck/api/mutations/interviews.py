"""Interview mutations (being written)."""

from __future__ import annotations

import strawberry

__all__ = ["InterviewMutations"]


@strawberry.type
class InterviewMutations:
    @strawberry.mutation(description="placeholder; removed when the real mutations land")
    def placeholder_interviews(self) -> bool:
        return False

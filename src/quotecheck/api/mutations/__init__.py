"""The write side of the API: one module per noun, merged into one Mutation type.

Rules every mutation follows are in `common` (roles, errors as data, versions, audit)."""

from __future__ import annotations

from strawberry.tools import merge_types

from quotecheck.api.mutations.appearances import AppearanceMutations
from quotecheck.api.mutations.common import UserError
from quotecheck.api.mutations.factchecks import FactCheckMutations
from quotecheck.api.mutations.imports import ImportMutations
from quotecheck.api.mutations.interviews import InterviewMutations
from quotecheck.api.mutations.outlets import OutletMutations
from quotecheck.api.mutations.quotes import QuoteMutations
from quotecheck.api.mutations.sources import SourceMutations
from quotecheck.api.mutations.speakers import SpeakerMutations
from quotecheck.api.mutations.tokens import TokenMutations

__all__ = ["Mutation", "UserError"]

Mutation = merge_types(
    "Mutation",
    (
        SpeakerMutations,
        OutletMutations,
        InterviewMutations,
        SourceMutations,
        QuoteMutations,
        AppearanceMutations,
        FactCheckMutations,
        TokenMutations,
        ImportMutations,
    ),
)

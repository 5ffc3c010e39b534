"""What one request may ask of the server, checked before any resolver runs.

Depth is counted the way graphql-depth-limit does but with introspection included: a client cannot dig twenty
`ofType` levels into `__schema` any more than into quotes. The limit rules (depth, aliases, introspection) and a
count of directives run before graphql-core's own validation, and a document that breaks one gets that one error,
not a hundred from the standard rules; the query cost is checked later, with the variables (`api.cost`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    validate,
)
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from strawberry.extensions import MaxAliasesLimiter, SchemaExtension
from strawberry.schema.schema import validate_document

from quotecheck.settings import Settings

__all__ = [
    "BodyTooLarge",
    "LimitedValidation",
    "Limits",
    "count_directives",
    "depth_limit",
    "no_introspection",
    "read_body",
    "statement_timed_out",
]


@dataclass(frozen=True)
class Limits:
    """The limits of one deployment (settings `QUOTECHECK_MAX_*`, `QUOTECHECK_INTROSPECTION`)."""

    depth: int = 15
    aliases: int = 30
    directives: int = 50
    tokens: int = 4000
    cost: int = 20_000
    query_bytes: int = 100_000
    body_bytes: int = 512 * 1024
    introspection: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            depth=settings.max_depth,
            aliases=settings.max_aliases,
            directives=settings.max_directives,
            tokens=settings.max_tokens,
            cost=settings.max_cost,
            query_bytes=settings.max_query_bytes,
            body_bytes=settings.max_body_bytes,
            introspection=settings.introspection,
        )

    @functools.cached_property
    def rules(self) -> tuple[type[ASTValidationRule], ...]:
        """Made once per Limits: validation results are cached by rule class, so classes must be stable."""
        rules: list[type[ASTValidationRule]] = [
            depth_limit(self.depth),
            *MaxAliasesLimiter(max_alias_count=self.aliases).validation_rules,
        ]
        if not self.introspection:
            rules.append(no_introspection())
        return tuple(rules)


def _depth(
    selections: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    level: int,
    seen: frozenset[str],
) -> int:
    deepest = level
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.selection_set is not None:
                deepest = max(deepest, _depth(selection.selection_set, fragments, level + 1, seen))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, level, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:  # cycles are reported by another rule
                deepest = max(deepest, _depth(fragment.selection_set, fragments, level, seen | {name}))
    return deepest


def depth_limit(max_depth: int) -> type[ValidationRule]:
    class DepthLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            depth = _depth(node.selection_set, fragments, 0, frozenset())
            if depth > max_depth:
                name = f"'{node.name.value}'" if node.name else "the operation"
                self.report_error(
                    GraphQLError(
                        f"{name} nests {depth} levels deep; at most {max_depth} are allowed (introspection "
                        "included): ask for less at once and follow up with `node(id:)`",
                        node,
                    )
                )

    return DepthLimit


def count_directives(document: DocumentNode) -> int:
    """Directives anywhere in a document, counted without a visitor (500 of them take microseconds)."""
    count = 0
    stack: list[Any] = list(document.definitions)
    while stack:
        node = stack.pop()
        count += len(getattr(node, "directives", None) or ())
        stack.extend(getattr(node, "variable_definitions", None) or ())
        selections = getattr(node, "selection_set", None)
        if selections is not None:
            stack.extend(selections.selections)
    return count


def too_many_directives(document: DocumentNode, max_directives: int) -> GraphQLError | None:
    count = count_directives(document)
    if count <= max_directives:
        return None
    return GraphQLError(
        f"the document uses {count} directives; at most {max_directives} are allowed: split it, or use "
        "variables in `@include(if:)` instead of repeating directives"
    )


def no_introspection() -> type[ValidationRule]:
    class NoIntrospection(ValidationRule):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            if node.name.value in ("__schema", "__type"):
                self.report_error(
                    GraphQLError(
                        f"introspection (`{node.name.value}`) is turned off on this server; read the schema "
                        "from schema.graphql in the project's repository instead",
                        node,
                    )
                )

    return NoIntrospection


@functools.lru_cache(maxsize=256)
def _check_limits(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    return validate(schema, document, rules, max_errors=10)


_validate = functools.lru_cache(maxsize=256)(validate_document)


class LimitedValidation(SchemaExtension):
    """Validation, cached: the limit rules first and, only when they pass, the standard rules."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema = context.schema._schema
        document = context.graphql_document
        assert document is not None
        too_many = too_many_directives(document, self.limits.directives)
        errors = [too_many] if too_many else _check_limits(schema, document, self.limits.rules)
        if not errors:
            errors = _validate(schema, document, tuple(context.validation_rules))
        context.pre_execution_errors = errors
        yield


class BodyTooLarge(Exception):
    """The request body is over the limit; read no more of it."""


async def read_body(request: Request, limit: int) -> bytes:
    """The body, read no further than `limit` bytes: a client cannot make a worker buffer a gigabyte."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def statement_timed_out(error: BaseException | None) -> bool:
    """True for PostgreSQL's "canceling statement due to statement timeout" (SQLSTATE 57014)."""
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) == "57014"

"""Every GraphQL argument that carries text goes through `quotecheck.clean` before its resolver runs.

`guard_schema` wraps, once, when the schema is built, the resolver of every field that takes a String or ID
anywhere in its arguments, so a field added later is covered without a line of its own, and states each
field's rule in its description. The kind of a field (name, title, quote, ...) comes from its GraphQL name
(`KINDS`, with `TYPE_KINDS` where one name means two things). A refusal is, on a mutation that answers with
`userErrors`, an INVALID entry naming the input field; on a list's `search` or `filter`, an empty page (what
no stored text holds cannot match); anywhere else a `BAD_USER_INPUT` error. Strings that pass reach the
resolver as NFC.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)
from strawberry.types.base import StrawberryList, StrawberryOptional

from quotecheck.api.errors import BadInput
from quotecheck.api.mutations.common import UserError, camel
from quotecheck.api.types import Connection, PageInfo
from quotecheck.clean import (
    DOCUMENT,
    LINE,
    NAME,
    PROSE,
    QUOTE,
    SEARCH,
    TITLE,
    Kind,
    Refused,
    clean,
)
from quotecheck.enums import TokenRole

__all__ = ["KINDS", "TYPE_KINDS", "guard_schema", "kind_of"]

KINDS: dict[str, Kind] = {
    **dict.fromkeys(
        (
            "name",
            "speakerName",
            "organization",
            "outlet",
            "interviewOf",
            "interviewers",
            "reviewer",
            "publisher",
            "place",
            "topic",
            "topics",
        ),
        NAME,
    ),
    **dict.fromkeys(("title", "titleAsWritten", "attributionAsWritten", "citedAs"), TITLE),
    **dict.fromkeys(("text", "textAsPublished", "claimReviewed", "passage"), QUOTE),
    **dict.fromkeys(("description", "summary", "note", "checkExplanation", "retractionReason"), PROSE),
    **dict.fromkeys(("document",), DOCUMENT),
    **dict.fromkeys(("search", "textContains"), SEARCH),
}
TYPE_KINDS: dict[tuple[str, str], Kind] = {
    ("CreateSourceInput", "text"): DOCUMENT,  # a source's full text, not a quote
    ("UpdateSourceInput", "text"): DOCUMENT,
}
_FILTERS = ("search", "filter")  # arguments whose refused characters mean "matches nothing"
# A search too long is services.search's to refuse, as it always has (INVALID, with how to shorten it).
_SEARCH_CHARACTERS = dataclasses.replace(SEARCH, max_length=sys.maxsize)


def kind_of(type_name: str | None, field_name: str) -> Kind:
    return TYPE_KINDS.get((type_name or "", field_name)) or KINDS.get(field_name, LINE)


def guard_schema(schema: GraphQLSchema) -> None:
    """Wrap the resolvers that take text and state the rules in the descriptions (idempotent)."""
    for named in schema.type_map.values():
        if named.name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType):
            for field_name, field in named.fields.items():
                for arg_name, arg in field.args.items():
                    _describe(arg, kind_of(None, arg_name), arg.type)
                if any(_carries_text(arg.type, set()) for arg in field.args.values()):
                    _guard(named, field_name, field)
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                _describe(input_field, kind_of(named.name, field_name), input_field.type)


def _describe(target: Any, kind: Kind, type_: GraphQLInputType) -> None:
    named = get_named_type(type_)
    if kind is LINE or not (isinstance(named, GraphQLScalarType) and named.name == "String"):
        return
    description = target.description or ""
    if kind.rule not in description:
        target.description = (description + " " + kind.rule).strip()


def _carries_text(type_: Any, seen: set[str]) -> bool:
    named = get_named_type(type_)
    if isinstance(named, GraphQLScalarType):
        return named.name in ("String", "ID")
    if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        seen.add(named.name)
        return any(_carries_text(field.type, seen) for field in named.fields.values())
    return False


def _guard(parent: GraphQLObjectType, name: str, field: GraphQLField) -> None:
    resolve = field.resolve
    if resolve is None or getattr(resolve, "_cleans_text", False):
        return
    returns = get_named_type(field.type)
    listing = returns.name.endswith("Connection")
    payload = _refusal_payload(returns) if parent.name == "Mutation" else None
    args = field.args

    def guarded(source: Any, info: Any, **kwargs: Any) -> Any:
        for arg_name, value in kwargs.items():
            arg = args.get(arg_name)
            if arg is None:
                continue
            kind = _SEARCH_CHARACTERS if arg_name == "search" else kind_of(None, arg_name)
            try:
                kwargs[arg_name] = _clean_value(value, arg.type, arg_name, kind)
            except Refused as error:
                if listing and arg_name in _FILTERS and error.position is not None:
                    return _empty_page()
                # every mutation needs an editor: without one, that is the answer, not the text
                if parent.name == "Mutation":
                    info.context.require(TokenRole.EDITOR, name)
                if payload is not None:
                    return payload(error, arg_name)
                raise BadInput(error.message) from None
        return resolve(source, info, **kwargs)

    guarded._cleans_text = True  # type: ignore[attr-defined]
    field.resolve = guarded


def _clean_value(value: Any, type_: Any, path: str, kind: Kind) -> Any:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        return [_clean_value(item, type_.of_type, f"{path}[{n}]", kind) for n, item in enumerate(items, 1)]
    if isinstance(type_, GraphQLInputObjectType) and isinstance(value, Mapping):
        cleaned = dict(value)
        for key, item in value.items():
            field = type_.fields.get(key)
            if field is not None:
                cleaned[key] = _clean_value(item, field.type, f"{path}.{key}", kind_of(type_.name, key))
        return cleaned
    if isinstance(value, str) and isinstance(type_, GraphQLScalarType) and type_.name in ("String", "ID"):
        return clean(value, path, kind)
    return value


async def _no_rows() -> int:
    return 0


def _empty_page() -> Connection[Any]:
    info = PageInfo(has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None)
    return Connection(edges=[], page_info=info, count=_no_rows)


def _refusal_payload(returns: Any) -> Callable[[Refused, str], Any] | None:
    """How to answer a refused input with this payload type (its other fields empty), if it has userErrors."""
    definition: Any = (getattr(returns, "extensions", None) or {}).get("strawberry-definition")
    cls: Any = getattr(definition, "origin", None)
    if not isinstance(cls, type) or not dataclasses.is_dataclass(cls):
        return None
    make: Callable[..., Any] = definition.origin
    fields = {each.python_name: each for each in definition.fields}
    if "user_errors" not in fields:
        return None
    empty: dict[str, Any] = {}
    for each in dataclasses.fields(cls):
        if each.name == "user_errors" or not each.init:
            continue
        if each.default is not dataclasses.MISSING or each.default_factory is not dataclasses.MISSING:
            continue
        declared = getattr(fields.get(each.name), "type", None)
        if isinstance(declared, StrawberryOptional) or declared is None:
            empty[each.name] = None
        elif isinstance(declared, StrawberryList):
            empty[each.name] = []
        elif declared in (bool, int):
            empty[each.name] = declared()  # False, 0: nothing was created
        else:
            return None

    def answer(error: Refused, arg_name: str) -> Any:
        where = error.field or arg_name
        # the input field as the client knows it: `input.aliases[2].name` -> `aliases[2].name`
        inside = where.split(".", 1)[1] if where.startswith(arg_name + ".") else where
        message = error.message.removeprefix(arg_name + ".")  # named as the field is
        problem = UserError(field=camel(inside), message=message, code=error.code)
        return make(**empty, user_errors=[problem])

    return answer

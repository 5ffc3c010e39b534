"""Compiled reads: the hot read shapes answered without the resolver-per-field executor.

Why: graphql-core and Strawberry cost 60-80 µs per resolved field here (docs/performance.md); a page of 50 quotes
with their appearances resolves about 1,500 fields, so the executor, not the database, bounded the API at a
tenth of PostGraphile's throughput. PostGraphile's answer is to compile each query into SQL once and then only
run the SQL; this module does the same for a deliberately small subset of the schema, and leaves everything
else to the executor:

- root fields `quote(id:)`, `speaker(id:)`, `node(id:)`, `quotes(first:, filter: {speakerId:})` and
  `quotes(first:, search:)` (ranked by services.search, as the executor ranks it);
- on Quote, Speaker, Outlet, Source and Appearance the fields that are a column as stored (`id`, `version`,
  `text`, `name`, `title` ...), the to-one links (`speaker`, `quote`, `source`, `outlet`, `takenFrom`) and
  `Quote.appearances(first:) { totalCount edges { node } }`; `__typename`; aliases; fragments.

A document is compiled only after the executor has answered it once without any error, so it has passed
parsing, validation and every limit, and the compiled plan never has to produce an error itself: anything it
cannot answer exactly as the executor would (an unknown ID, a missing row, a variable of the wrong type, a
database error) makes it step aside, and the executor answers that request. `tests/test_compiled.py` runs
every shape through both and requires identical responses.

Each plan runs a handful of Core statements, one per position in the query (a page of 50 quotes with their
appearances, counts, sources and outlets is five statements), in the operation's read transaction.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    Visitor,
    parse,
    visit,
)
from graphql.execution.values import get_variable_values
from sqlalchemy import Connection, FromClause, Select, Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from quotecheck import models
from quotecheck.api.ids import decode_id
from quotecheck.api.pagination import MAX_PAGE
from quotecheck.api.types import NESTED_PAGE
from quotecheck.clean import SEARCH, is_clean
from quotecheck.errors import QuotecheckError
from quotecheck.global_ids import encode_id
from quotecheck.services.search import parse_search, rank_quotes

__all__ = ["CompiledReads", "Plan"]

log = logging.getLogger("quotecheck.api")

Row = Mapping[Any, Any]  # a RowMapping
TABLES: dict[str, Table] = {
    "Quote": models.Quote.__table__,  # type: ignore[dict-item]
    "Speaker": models.Speaker.__table__,  # type: ignore[dict-item]
    "Outlet": models.Outlet.__table__,  # type: ignore[dict-item]
    "Source": models.Source.__table__,  # type: ignore[dict-item]
    "Appearance": models.Appearance.__table__,  # type: ignore[dict-item]
}
# GraphQL field -> column, for the fields whose value is the column as stored.
COLUMNS: dict[str, dict[str, str]] = {
    "Quote": {"version": "version", "text": "text", "language": "language", "note": "note"},
    "Speaker": {
        "version": "version",
        "name": "name",
        "wikidataId": "wikidata_id",
        "description": "description",
    },
    "Outlet": {
        "version": "version",
        "name": "name",
        "url": "url",
        "domain": "domain",
        "country": "country",
        "description": "description",
    },
    "Source": {
        "version": "version",
        "title": "title",
        "url": "url",
        "language": "language",
        "text": "text",
        "contentHash": "content_hash",
        "note": "note",
    },
    "Appearance": {
        "version": "version",
        "textAsPublished": "text",
        "start": "char_start",
        "end": "char_end",
        "attributionAsWritten": "attribution",
        "citedAs": "cited_as",
        "checkExplanation": "check_explanation",
        "note": "note",
    },
}
# (type, field) -> the column holding the target's ID, the target type, whether the column may be null.
TO_ONE: dict[tuple[str, str], tuple[str, str]] = {
    ("Quote", "speaker"): ("speaker_id", "Speaker"),
    ("Appearance", "quote"): ("quote_id", "Quote"),
    ("Appearance", "source"): ("source_id", "Source"),
    ("Source", "outlet"): ("outlet_id", "Outlet"),
}
# A link to one of several types: the first non-null column wins, as in Appearance.takenFrom.
POLY: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("Appearance", "takenFrom"): (
        ("taken_from_appearance_id", "Appearance"),
        ("taken_from_source_id", "Source"),
    ),
}
# (type, field) -> the child type and its column that points at the parent; pages in ID order.
CONNECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("Quote", "appearances"): ("Appearance", "quote_id"),
}
ROOT_BY_ID = {"quote": "Quote", "speaker": "Speaker"}


class _Unsupported(Exception):
    """The document uses something this module does not compile; the executor keeps it."""


class _StepAside(Exception):
    """This request is one the executor must answer (an error to report, a row missing)."""


# --- plans ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Scalar:
    key: str
    column: str


@dataclass(frozen=True, slots=True)
class _Id:
    key: str


@dataclass(frozen=True, slots=True)
class _Typename:
    key: str


@dataclass(frozen=True, slots=True)
class _ToOne:
    key: str
    column: str
    plan: _Object


@dataclass(frozen=True, slots=True)
class _Poly:
    key: str
    branches: tuple[tuple[str, _Object], ...]  # (column, plan of the type it points at)


@dataclass(frozen=True, slots=True)
class _Page:
    """A connection's selection: `totalCount` and `edges { node }` under their response keys."""

    keys: tuple[tuple[str, str], ...]  # (response key, "totalCount" | "edges")
    edge_keys: tuple[str, ...]  # response keys of `node` inside `edges`
    node: _Object


@dataclass(frozen=True, slots=True)
class _Connection:
    key: str
    parent_column: str
    first: int
    page: _Page


@dataclass(frozen=True, slots=True)
class _Object:
    type_name: str
    fields: tuple[Any, ...]
    columns: tuple[str, ...]  # every column the fields read, `id` first


@dataclass(frozen=True, slots=True)
class _Root:
    key: str
    kind: str  # "by_id" | "node" | "quotes"
    id_arg: ValueNode | None
    plan: _Object | None = None  # by_id
    plans: Mapping[str, _Object] = field(default_factory=dict)  # node: by type
    first: int = 0  # quotes, search
    page: _Page | None = None  # quotes, search
    search: ValueNode | None = None  # search


@dataclass(frozen=True, slots=True)
class Plan:
    document: DocumentNode
    operation: OperationDefinitionNode
    roots: tuple[_Root, ...]


class _Compiler:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operation = operation

    def _matches(self, condition: str | None, type_name: str) -> bool:
        if condition is None or condition == type_name:
            return True
        abstract = self.schema.get_type(condition)
        concrete = self.schema.get_type(type_name)
        return bool(abstract and concrete and self.schema.is_sub_type(abstract, concrete))  # type: ignore[arg-type]

    def fields(self, selections: SelectionSetNode, type_name: str) -> list[FieldNode]:
        """The fields selected on an object of `type_name`, fragments flattened, in response order."""
        out: list[FieldNode] = []
        seen: set[str] = set()

        def walk(node: SelectionSetNode) -> None:
            for selection in node.selections:
                if selection.directives:
                    raise _Unsupported("directives")
                if isinstance(selection, FieldNode):
                    key = (selection.alias or selection.name).value
                    if key in seen:
                        raise _Unsupported("a response key selected twice")
                    seen.add(key)
                    out.append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition.name.value if selection.type_condition else None
                    if self._matches(condition, type_name):
                        walk(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments[selection.name.value]
                    if self._matches(fragment.type_condition.name.value, type_name):
                        walk(fragment.selection_set)

        walk(selections)
        return out

    def object(self, selections: SelectionSetNode | None, type_name: str) -> _Object:
        if selections is None:
            raise _Unsupported("an object without a selection")
        plan: list[Any] = []
        columns: dict[str, None] = {"id": None}
        for node in self.fields(selections, type_name):
            key = (node.alias or node.name).value
            name = node.name.value
            spot = (type_name, name)
            if name == "__typename":
                plan.append(_Typename(key))
                continue
            if spot in CONNECTIONS:
                plan.append(self.connection(node, key, *CONNECTIONS[spot]))
                continue
            if node.arguments:
                raise _Unsupported(f"arguments on {type_name}.{name}")
            if name == "id":
                plan.append(_Id(key))
            elif name in COLUMNS[type_name]:
                column = COLUMNS[type_name][name]
                columns[column] = None
                plan.append(_Scalar(key, column))
            elif spot in TO_ONE:
                column, target = TO_ONE[spot]
                columns[column] = None
                plan.append(_ToOne(key, column, self.object(node.selection_set, target)))
            elif spot in POLY:
                branches = []
                for column, target in POLY[spot]:
                    columns[column] = None
                    branches.append((column, self.object(node.selection_set, target)))
                plan.append(_Poly(key, tuple(branches)))
            else:
                raise _Unsupported(f"{type_name}.{name}")
        return _Object(type_name, tuple(plan), tuple(columns))

    def page(self, selections: SelectionSetNode | None, type_name: str) -> _Page:
        if selections is None:
            raise _Unsupported("a connection without a selection")
        keys: list[tuple[str, str]] = []
        edge_keys: list[str] = []
        node_selection: SelectionSetNode | None = None
        for node in self.fields(selections, "_connection"):
            key = (node.alias or node.name).value
            if node.name.value == "totalCount":
                keys.append((key, "totalCount"))
            elif node.name.value == "edges" and node.selection_set is not None:
                if any(k == "edges" for _, k in keys):
                    raise _Unsupported("edges twice")
                keys.append((key, "edges"))
                for edge_field in self.fields(node.selection_set, "_edge"):
                    if edge_field.name.value != "node":
                        raise _Unsupported("edge fields other than node")
                    edge_keys.append((edge_field.alias or edge_field.name).value)
                    if node_selection is not None and node_selection != edge_field.selection_set:
                        raise _Unsupported("node selected twice differently")
                    node_selection = edge_field.selection_set
            else:
                raise _Unsupported(f"connection field {node.name.value}")
        if node_selection is None:
            return _Page(tuple(keys), tuple(edge_keys), _Object(type_name, (), ("id",)))
        return _Page(tuple(keys), tuple(edge_keys), self.object(node_selection, type_name))

    def connection(self, node: FieldNode, key: str, child: str, parent_column: str) -> _Connection:
        first = NESTED_PAGE
        for argument in node.arguments or ():
            if argument.name.value != "first" or not isinstance(argument.value, IntValueNode):
                raise _Unsupported("connection arguments other than a literal first")
            first = int(argument.value.value)
        if not 0 <= first <= MAX_PAGE:
            raise _Unsupported("first out of range")
        return _Connection(key, parent_column, first, self.page(node.selection_set, child))

    def root(self, node: FieldNode) -> _Root:
        if node.directives:
            raise _Unsupported("directives")
        key = (node.alias or node.name).value
        name = node.name.value
        arguments = {a.name.value: a.value for a in node.arguments or ()}
        if name in ROOT_BY_ID:
            if set(arguments) != {"id"}:
                raise _Unsupported("arguments")
            return _Root(
                key, "by_id", arguments["id"], plan=self.object(node.selection_set, ROOT_BY_ID[name])
            )
        if name == "node":
            if set(arguments) != {"id"}:
                raise _Unsupported("arguments")
            plans = {}
            for type_name in TABLES:
                try:
                    plans[type_name] = self.object(node.selection_set, type_name)
                except _Unsupported:
                    continue  # an ID of this type is left to the executor
            return _Root(key, "node", arguments["id"], plans=plans)
        if name == "quotes":
            # a speaker's quotes in ID order, or a search ranked by relevance (optionally of one speaker)
            if not {"first"} <= set(arguments) <= {"first", "filter", "search"} or len(arguments) < 2:
                raise _Unsupported("arguments")
            first, given = arguments["first"], arguments.get("filter")
            if not isinstance(first, IntValueNode):
                raise _Unsupported("a first that is not a literal")
            speaker: ValueNode | None = None
            if given is not None:
                if not isinstance(given, ObjectValueNode) or [f.name.value for f in given.fields] != [
                    "speakerId"
                ]:
                    raise _Unsupported("filters other than speakerId")
                speaker = given.fields[0].value
            size = int(first.value)
            if not 0 <= size <= MAX_PAGE:
                raise _Unsupported("first out of range")
            page = self.page(node.selection_set, "Quote")
            if "search" in arguments:
                return _Root(key, "search", speaker, first=size, page=page, search=arguments["search"])
            return _Root(key, "quotes", speaker, first=size, page=page)
        raise _Unsupported(f"root field {name}")


def compile_plan(schema: GraphQLSchema, query: str, operation_name: str | None) -> Plan | None:
    """The plan of a document that the executor answered without error, or None to leave it to the executor."""
    try:
        document = parse(query)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return None
    operation = operations[0]
    if not _clean_strings(document):  # the executor answers it (api/cleaning.py): an empty page or an error
        return None
    compiler = _Compiler(schema, document, operation)
    try:
        roots = tuple(compiler.root(node) for node in compiler.fields(operation.selection_set, "Query"))
    except (_Unsupported, KeyError):
        return None
    return Plan(document, operation, roots)


def _clean_strings(value: Any) -> bool:
    """True when every string in a document's literals or in the variables passes `clean` unchanged."""
    if isinstance(value, str):
        return is_clean(value, SEARCH)
    if isinstance(value, DocumentNode):
        return all(_clean_strings(node.value) for node in _string_values(value))
    if isinstance(value, Mapping):
        return all(_clean_strings(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_clean_strings(item) for item in value)
    return True


def _string_values(document: DocumentNode) -> list[StringValueNode]:
    found: list[StringValueNode] = []

    class Strings(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            found.append(node)

    visit(document, Strings())
    return found


# --- running a plan ------------------------------------------------------------------------------------------
def _value(node: ValueNode | None, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, StringValueNode):
        return node.value
    raise _StepAside("an argument that is not a string")


def _decode(value: Any, type_name: str | None) -> tuple[str, int]:
    if not isinstance(value, str):
        raise _StepAside("not an ID")
    try:
        return decode_id(value, type_name)
    except QuotecheckError:
        raise _StepAside("a malformed ID") from None


def _joined(
    plan: _Object, table: FromClause, prefix: str, columns: list[Any], source: FromClause
) -> FromClause:
    """Select `plan`'s columns from `table`, labelled `prefix + column`, and LEFT JOIN every to-one link below
    it (a link of several types joins each), so a chain of links is one statement."""
    columns.extend(table.c[c].label(prefix + c) for c in plan.columns)
    for index, spec in enumerate(plan.fields):
        for n, (column, child) in enumerate(_links(spec)):
            alias = TABLES[child.type_name].alias()
            source = source.outerjoin(alias, table.c[column] == alias.c.id)
            source = _joined(child, alias, f"{prefix}j{index}_{n}_", columns, source)
    return source


def _links(spec: Any) -> tuple[tuple[str, _Object], ...]:
    if isinstance(spec, _ToOne):
        return ((spec.column, spec.plan),)
    if isinstance(spec, _Poly):
        return spec.branches
    return ()


def _select(plan: _Object, *extra: Any) -> Select[Any]:
    """A SELECT of `plan`'s row and every to-one link below it, plus `extra` columns."""
    table = TABLES[plan.type_name]
    columns: list[Any] = []
    source = _joined(plan, table, "", columns, table)
    names = {c.name for c in columns}
    columns.extend(e for e in extra if e.name not in names)
    return select(*columns).select_from(source)


# The statements are built once per plan (building one with its aliases costs more than running it) and take
# their values as bound parameters; the plans are hashable, so they key the caches.
@functools.lru_cache(maxsize=1024)
def _by_ids_statement(plan: _Object) -> Select[Any]:
    return _select(plan).where(TABLES[plan.type_name].c.id.in_(bindparam("ids", expanding=True)))


@functools.lru_cache(maxsize=1024)
def _page_statement(spec: _Connection) -> Select[Any]:
    node = spec.page.node
    table = TABLES[node.type_name]
    link = table.c[spec.parent_column]
    number = func.row_number().over(partition_by=link, order_by=table.c.id).label("qc_n")
    inner = _select(node, link, number).where(link.in_(bindparam("parents", expanding=True))).subquery()
    return select(inner).where(inner.c.qc_n <= spec.first).order_by(inner.c[spec.parent_column], inner.c.id)


@functools.lru_cache(maxsize=1024)
def _count_statement(spec: _Connection) -> Select[Any]:
    link = TABLES[spec.page.node.type_name].c[spec.parent_column]
    return select(link, func.count()).where(link.in_(bindparam("parents", expanding=True))).group_by(link)


@functools.lru_cache(maxsize=1024)
def _quotes_statement(node: _Object, first: int) -> Select[Any]:
    table = TABLES["Quote"]
    return _select(node).where(table.c.speaker_id == bindparam("speaker")).order_by(table.c.id).limit(first)


_QUOTES_COUNT = (
    select(func.count())
    .select_from(TABLES["Quote"])
    .where(TABLES["Quote"].c.speaker_id == bindparam("speaker"))
)


class _Run:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def by_ids(self, plan: _Object, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = list(self.connection.execute(_by_ids_statement(plan), {"ids": wanted}).mappings())
        return dict(zip((r["id"] for r in rows), self.complete(plan, rows, ""), strict=True))

    def complete(self, plan: _Object, rows: Sequence[Row], prefix: str) -> list[dict[str, Any]]:
        """The response objects of rows that hold `plan`'s columns under `prefix` (and its joined links'),
        nested pages fetched once for all rows."""
        children: dict[str, Any] = {}
        for index, spec in enumerate(plan.fields):
            if isinstance(spec, _Connection):
                children[spec.key] = self.pages(spec, [r[prefix + "id"] for r in rows])
                continue
            branches = []
            for n, (column, child) in enumerate(_links(spec)):
                inner = f"{prefix}j{index}_{n}_"
                present = [i for i, r in enumerate(rows) if r[prefix + column] is not None]
                if any(rows[i][inner + "id"] is None for i in present):
                    raise _StepAside("a referenced row is missing")
                done = self.complete(child, [rows[i] for i in present], inner)
                branches.append(dict(zip(present, done, strict=True)))
            if branches:
                children[spec.key] = branches
        type_name = plan.type_name
        out = []
        for i, row in enumerate(rows):
            item: dict[str, Any] = {}
            for spec in plan.fields:
                if isinstance(spec, _Scalar):
                    item[spec.key] = row[prefix + spec.column]
                elif isinstance(spec, _Id):
                    item[spec.key] = encode_id(type_name, row[prefix + "id"])
                elif isinstance(spec, _Typename):
                    item[spec.key] = type_name
                elif isinstance(spec, _Connection):
                    item[spec.key] = children[spec.key][row[prefix + "id"]]
                else:  # a link: the first branch that holds one (a to-one link has one branch)
                    item[spec.key] = next((b[i] for b in children[spec.key] if i in b), None)
            out.append(item)
        return out

    def pages(self, spec: _Connection, parents: list[int]) -> dict[int, dict[str, Any]]:
        parents = list(dict.fromkeys(parents))
        page = spec.page
        node = page.node
        by_parent: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if parents and page.edge_keys and spec.first > 0:
            rows = list(self.connection.execute(_page_statement(spec), {"parents": parents}).mappings())
            # every parent's nodes completed together: their own pages are one statement per position
            for row, item in zip(rows, self.complete(node, rows, ""), strict=True):
                by_parent[row[spec.parent_column]].append(item)
        counts: dict[int, int] = {}
        if parents and any(kind == "totalCount" for _, kind in page.keys):
            found = self.connection.execute(_count_statement(spec), {"parents": parents})
            counts = {parent: int(n) for parent, n in found}
        return {
            parent: self.page(page, by_parent.get(parent, []), counts.get(parent, 0)) for parent in parents
        }

    def page(self, page: _Page, nodes: Sequence[dict[str, Any]], count: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, kind in page.keys:
            out[key] = count if kind == "totalCount" else [dict.fromkeys(page.edge_keys, n) for n in nodes]
        return out

    def root(self, root: _Root, variables: Mapping[str, Any]) -> Any:
        if root.kind == "by_id":
            assert root.plan is not None
            _, key = _decode(_value(root.id_arg, variables), root.plan.type_name)
            return self.by_ids(root.plan, [key]).get(key)
        if root.kind == "node":
            type_name, key = _decode(_value(root.id_arg, variables), None)
            if type_name not in root.plans:
                raise _StepAside("a node type left to the executor")
            return self.by_ids(root.plans[type_name], [key]).get(key)
        assert root.page is not None
        if root.kind == "search":
            return self.search(root, variables)
        _, speaker = _decode(_value(root.id_arg, variables), "Speaker")
        node = root.page.node
        items: list[dict[str, Any]] = []
        if root.page.edge_keys and root.first > 0:
            found = self.connection.execute(_quotes_statement(node, root.first), {"speaker": speaker})
            items = self.complete(node, list(found.mappings()), "")
        count = 0
        if any(kind == "totalCount" for _, kind in root.page.keys):
            count = int(self.connection.scalar(_QUOTES_COUNT, {"speaker": speaker}) or 0)
        return self.page(root.page, items, count)

    def search(self, root: _Root, variables: Mapping[str, Any]) -> dict[str, Any]:
        """`quotes(first:, search:)`: the statement the executor runs for it (services.search ranks the
        newest candidates), with the page's links joined in; ordered by score, then ID, both descending."""
        assert root.page is not None
        text = _value(root.search, variables)
        if not isinstance(text, str):
            raise _StepAside("no search text: the executor lists in ID order")
        try:
            query = parse_search(text)
        except QuotecheckError:
            raise _StepAside("a search the executor refuses") from None
        where = []
        if root.id_arg is not None:
            where.append(
                TABLES["Quote"].c.speaker_id == _decode(_value(root.id_arg, variables), "Speaker")[1]
            )
        ranked = rank_quotes(self.connection.dialect.name, query, where)
        node = root.page.node
        items: list[dict[str, Any]] = []
        if root.page.edge_keys and root.first > 0:
            statement = (
                _select(node)
                .where(ranked.where)
                .order_by(ranked.score.desc(), TABLES["Quote"].c.id.desc())
                .limit(root.first)
            )
            items = self.complete(node, list(self.connection.execute(statement).mappings()), "")
        count = 0
        if any(kind == "totalCount" for _, kind in root.page.keys):
            counted = select(func.count()).select_from(TABLES["Quote"]).where(ranked.where)
            count = int(self.connection.scalar(counted) or 0)
        return self.page(root.page, items, count)


class CompiledReads:
    """The plans of the documents seen, by (query, operation name); a bounded LRU per worker."""

    def __init__(self, schema: GraphQLSchema, size: int = 256) -> None:
        self.schema = schema
        self.size = size
        self.plans: OrderedDict[tuple[str, str | None], Plan | None] = OrderedDict()
        self.hits = 0  # requests answered by a plan (tests read it)

    def plan(self, query: str, operation_name: str | None) -> Plan | None:
        key = (query, operation_name)
        plan = self.plans.get(key)
        if plan is not None:
            self.plans.move_to_end(key)
        return plan

    def learn(self, query: str, operation_name: str | None) -> None:
        """Called after the executor answered this document without any error."""
        key = (query, operation_name)
        if key in self.plans:
            return
        self.plans[key] = compile_plan(self.schema, query, operation_name)
        if len(self.plans) > self.size:
            self.plans.popitem(last=False)

    async def run(
        self, plan: Plan, session: AsyncSession, variables: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        """The response's `data`, or None when the executor must answer this request."""
        coerced = get_variable_values(
            self.schema, plan.operation.variable_definitions or (), dict(variables or {})
        )
        if isinstance(coerced, list):  # variable errors: the executor reports them
            return None
        if not _clean_strings(coerced.coerced):  # text quotecheck.clean would change or refuse
            return None
        try:
            return await session.run_sync(_answer, plan, coerced.coerced)
        except _StepAside:
            return None
        except Exception:  # a database error: the executor meets it too, and reports it the usual way
            log.warning("compiled read failed; the executor answers instead", exc_info=True)
            await session.rollback()
            return None


def _answer(session: Any, plan: Plan, variables: Any) -> dict[str, Any]:
    run = _Run(session.connection())
    return {root.key: run.root(root, variables) for root in plan.roots}

"""Full-text search of quotes and sources: a small query language, ranked within a bounded candidate set.

The query language: words (every one must match), "a phrase" in double quotes, and -word or -"a phrase" to
exclude. Each engine splits a term into words as it splits the stored text ("covid-19" is a phrase). Matching ignores case and accents
on both engines. PostgreSQL also stems in the quote's language (English, French, German, Spanish, Russian,
Italian, Portuguese, Dutch; anything else is matched unstemmed), so "reopen" finds "reopening" there; SQLite's
FTS5 tokenizer has no stemmer, so there a word matches only itself. The text is parsed here and handed to the
engine as a bound parameter (an FTS5 MATCH string with every token quoted, or websearch_to_tsquery input with
every term quoted), never spliced into SQL.

Ranking: a common word matches hundreds of thousands of rows, and scoring every match costs seconds (see issue
7). So only a bounded candidate set is ranked: the newest `CANDIDATES` matches that pass every other filter,
taken from the index in id order (cheap on both engines), then ordered by bm25() (SQLite) or ts_rank()
(PostgreSQL) within that set, all in one statement. The trade-off: for a word that matches more than
`CANDIDATES` rows, an older quote that would score higher is never seen; narrowing the search (more words, a
phrase, a speaker, a date range) brings it back into the set. A score (higher is better) reaches Python as the
exact text of its float, so a page cursor can hold it; pages stay stable while no matching row is written.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Float,
    Select,
    TypeDecorator,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION, REGCONFIG, TSQUERY, TSVECTOR
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from quotecheck.errors import ValidationError
from quotecheck.models import Quote, Source
from quotecheck.models.search import quote_fts, source_fts
from quotecheck.services.quotes import QuoteFilter, quote_conditions

__all__ = [
    "CANDIDATES",
    "LANGUAGES",
    "MAX_SEARCH",
    "Ranked",
    "Score",
    "SearchQuery",
    "Term",
    "match_quotes",
    "match_sources",
    "parse_search",
    "rank_quotes",
    "rank_sources",
    "search_quotes",
    "snippets",
]

MAX_SEARCH = 200  # characters
CANDIDATES = 1000  # matches ranked per search
SNIPPET_WORDS = 30
MARK = ("«", "»")

# Language code (primary subtag) -> PostgreSQL text search configuration; frozen in migration 0005.
LANGUAGES = {
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "ru": "russian",
}

_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a phrase as typed (spacing aside), wanted or excluded; it holds no double quote."""

    text: str
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class SearchQuery:
    terms: tuple[Term, ...]

    def fts5(self) -> str:
        """The FTS5 MATCH string: every phrase quoted, exclusions after NOT."""
        wanted = " AND ".join(_quoted(term) for term in self.terms if not term.excluded)
        unwanted = [_quoted(term) for term in self.terms if term.excluded]
        return " NOT ".join([f"({wanted})", *unwanted]) if unwanted else wanted

    def websearch(self) -> str:
        """Input for PostgreSQL's websearch_to_tsquery: every term quoted, so "or" is a word, not OR."""
        return " ".join(("-" if term.excluded else "") + _quoted(term) for term in self.terms)


def _quoted(term: Term) -> str:
    return '"' + term.text.replace('"', '""') + '"'


def parse_search(text: str) -> SearchQuery:
    """The query language parsed; empty, too long, or only exclusions is a ValidationError on `search`."""
    given = unicodedata.normalize("NFC", text).strip()
    if len(given) > MAX_SEARCH:
        raise ValidationError(
            f"the search is {len(given)} characters long; shorten it to at most {MAX_SEARCH}", field="search"
        )
    terms = []
    for match in _TERM.finditer(given):
        excluded = bool(match[1] or match[3])
        typed = " ".join((match[2] if match[2] is not None else match[4]).split())
        if _WORD.search(typed):  # punctuation alone matches nothing
            terms.append(Term(typed, excluded))
    if not terms:
        raise ValidationError(
            'the search holds no words; give words, "a phrase", or -word to exclude one', field="search"
        )
    if all(term.excluded for term in terms):
        raise ValidationError(
            "the search only excludes words; add at least one word that must match", field="search"
        )
    return SearchQuery(tuple(terms))


class Score(TypeDecorator[str]):
    """A relevance score: a double in SQL, the exact text of that double in Python (what a cursor can hold).

    Text that is not a finite number binds as NULL, so a forged cursor matches nothing."""

    impl = Float(precision=53)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return str

    def process_bind_param(self, value: Any, dialect: Dialect) -> float | None:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) else None

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else repr(float(value))


@dataclass(frozen=True, slots=True)
class Ranked:
    """A search joined into a list statement: `where` links the ranked candidates to the model's rows, and
    `score` (higher is more relevant) orders them."""

    where: ColumnElement[bool]
    score: ColumnElement[str]


def _match(fts: str, query: SearchQuery) -> ColumnElement[bool]:
    return literal_column(fts).bool_op("MATCH")(bindparam("fts_query", query.fts5(), unique=True))


# --- PostgreSQL --------------------------------------------------------------------------------------------------
def _config(name: str) -> ColumnElement[Any]:
    return literal(f"quotecheck_{name}", REGCONFIG)


def _configs(language: str | None) -> list[str]:
    """The configurations a search must try: one when the language is known, else every one."""
    if language is not None:
        return [LANGUAGES.get(language.split("-")[0].lower(), "simple")]
    return [*sorted(set(LANGUAGES.values())), "simple"]


class _TsQueries:
    """One tsquery per configuration (constants the planner folds), and the one that fits a row's language."""

    def __init__(self, query: SearchQuery, language: str | None) -> None:
        text: BindParameter[str] = bindparam("search_text", query.websearch(), unique=True)
        self.by_config = {name: func.websearch_to_tsquery(_config(name), text) for name in _configs(language)}

    def any(self) -> ColumnElement[Any]:
        """Matches a row if any configuration's reading matches: what the GIN index can answer."""
        combined: ColumnElement[Any] | None = None
        for query in self.by_config.values():
            combined = query if combined is None else combined.op("||", return_type=TSQUERY)(query)
        assert combined is not None
        return combined

    def own(self, language: Any) -> ColumnElement[Any]:
        """The reading in the row's own configuration: exact for exclusions, and what ranks it."""
        whens = {_config(name): query for name, query in self.by_config.items() if name != "simple"}
        simple = self.by_config.get("simple", next(iter(self.by_config.values())))
        if not whens:
            return simple
        return case(whens, value=func.quotecheck_search_config(language), else_=simple)


def _pg_ranked(
    model: Any, query: SearchQuery, where: Sequence[ColumnElement[bool]], language: str | None
) -> Ranked:
    vector = literal_column(f"{model.__tablename__}.search_vector", TSVECTOR)
    queries = _TsQueries(query, language)
    candidates = (
        select(model.id.label("id"), model.language.label("language"), vector.label("vector"))
        .where(
            vector.bool_op("@@")(queries.any()),
            vector.bool_op("@@")(queries.own(model.language)),
            *where,
        )
        .order_by(model.id.desc())
        .limit(CANDIDATES)
        .subquery()
    )
    # Scored outside the LIMIT: only the candidates are ranked, whatever plan found them.
    rank = func.ts_rank(candidates.c.vector, queries.own(candidates.c.language))
    score = type_coerce(cast(rank, DOUBLE_PRECISION), Score())  # a real, made exact for the cursor's compare
    hit = select(candidates.c.id, score.label("score")).subquery("hit")
    return Ranked(hit.c.id == model.id, hit.c.score)


# --- both engines --------------------------------------------------------------------------------------------------
def _ranked(
    dialect: str,
    model: Any,
    fts: Any,
    weights: tuple[float, ...],
    query: SearchQuery,
    where: Sequence[ColumnElement[bool]],
    language: str | None,
) -> Ranked:
    if dialect == "postgresql":
        return _pg_ranked(model, query, where, language)
    # bm25() is lower for better matches, and works only in the statement that runs the MATCH.
    score = type_coerce(-func.bm25(literal_column(fts.name), *weights), Score())
    hit = (
        select(fts.c.rowid.label("id"), score.label("score"))
        .select_from(fts.join(model, model.id == fts.c.rowid) if where else fts)
        .where(_match(fts.name, query), *where)
        .order_by(fts.c.rowid.desc())
        .limit(CANDIDATES)
        .subquery("hit")
    )
    return Ranked(hit.c.id == model.id, hit.c.score)


def rank_quotes(
    dialect: str,
    query: SearchQuery,
    where: Sequence[ColumnElement[bool]] = (),
    *,
    language: str | None = None,
) -> Ranked:
    """The quotes matching `query` and every condition of `where` (on `Quote`), ranked; `language` (the
    filter's, when given) spares PostgreSQL from trying every configuration."""
    return _ranked(dialect, Quote, quote_fts, (), query, where, language)


def rank_sources(
    dialect: str,
    query: SearchQuery,
    where: Sequence[ColumnElement[bool]] = (),
    *,
    language: str | None = None,
) -> Ranked:
    """The sources matching `query` in their title or text, a match in the title weighing more."""
    return _ranked(dialect, Source, source_fts, (2.0, 1.0), query, where, language)


def _matches(dialect: str, model: Any, fts: Any, query: SearchQuery) -> ColumnElement[bool]:
    if dialect == "postgresql":
        vector = literal_column(f"{model.__tablename__}.search_vector", TSVECTOR)
        queries = _TsQueries(query, None)
        return vector.bool_op("@@")(queries.any()) & vector.bool_op("@@")(queries.own(model.language))
    matching: ColumnElement[bool] = model.id.in_(select(fts.c.rowid).where(_match(fts.name, query)))
    return matching


def match_quotes(dialect: str, query: SearchQuery) -> ColumnElement[bool]:
    """A plain filter on `Quote`, unranked: for lists the client orders otherwise."""
    return _matches(dialect, Quote, quote_fts, query)


def match_sources(dialect: str, query: SearchQuery) -> ColumnElement[bool]:
    return _matches(dialect, Source, source_fts, query)


def snippets(
    dialect: str, model: type[Quote] | type[Source], query: SearchQuery, ids: Sequence[int]
) -> Select[Any]:
    """(id, snippet) of the given rows: about `SNIPPET_WORDS` words around the matches, each matched word
    between « and »; nothing else is escaped."""
    start, stop = MARK
    if dialect == "postgresql":
        words: Any = (
            model.text if model is Quote else model.title + "\n\n" + func.coalesce(model.text, "")  # type: ignore[union-attr]
        )
        options = (
            f"StartSel={start}, StopSel={stop}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, ShortWord=0, "
            'MaxFragments=1, FragmentDelimiter=" … "'
        )
        headline = func.ts_headline(
            func.quotecheck_search_config(model.language),
            words,
            _TsQueries(query, None).own(model.language),
            options,
        )
        return select(model.id, headline).where(model.id.in_(ids))
    fts = quote_fts if model is Quote else source_fts
    snippet = func.snippet(literal_column(fts.name), -1, start, stop, "…", SNIPPET_WORDS)
    return select(fts.c.rowid, snippet).where(_match(fts.name, query), fts.c.rowid.in_(ids))


def search_quotes(
    session: Session, text: str, *, filter: QuoteFilter | None = None, limit: int = 20
) -> list[tuple[Quote, float]]:
    """The most relevant quotes (with their scores) for a search and a filter, in one statement."""
    query = parse_search(text)
    f = filter or QuoteFilter()
    ranked = rank_quotes(session.get_bind().dialect.name, query, quote_conditions(f), language=f.language)
    found = session.execute(
        select(Quote, ranked.score)
        .where(ranked.where)
        .order_by(ranked.score.desc(), Quote.id.desc())
        .limit(limit)
    )
    return [(quote, float(score)) for quote, score in found]

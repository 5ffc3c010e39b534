"""The database refuses bad rows by itself, and the services refuse them first with messages that help.

Rows here are written in plain SQL, as an import script or a hand fix would write them, so that only the
schema built by the migrations stands between them and the tables. Each refusal is paired with the same row
made valid, which the database accepts: the refusal is the constraint's doing, not a missing column's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quotecheck.enums import AppearanceRelation
from quotecheck.errors import Conflict, NotFound, QuotecheckError, ValidationError
from quotecheck.models import Quote, Speaker, SpeakerAlias, SpeakerRole, Topic, quote_topic
from quotecheck.partial_date import MAX_KEY, MIN_KEY, PartialDate
from quotecheck.services import appearances, factchecks, outlets, quotes, sources, speakers
from quotecheck.services.sources import TurnInput
from quotecheck.services.speakers import RoleInput

HASH = "0" * 64


def rows(session: Session, table: str) -> int:
    return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def insert(session: Session, table: str, values: dict[str, Any]) -> None:
    columns = ", ".join(values)
    params = ", ".join(f":{column}" for column in values)
    session.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values)


def refused(session: Session, table: str, values: dict[str, Any]) -> str:
    """Insert a row that must be refused; return the database's message, having checked nothing was written."""
    before = rows(session, table)
    with pytest.raises(IntegrityError) as info, session.begin_nested():
        insert(session, table, values)
    assert rows(session, table) == before
    return str(info.value.orig)


def accepted(session: Session, table: str, values: dict[str, Any]) -> None:
    before = rows(session, table)
    with session.begin_nested():
        insert(session, table, values)
    assert rows(session, table) == before + 1


@dataclass(frozen=True)
class Parents:
    speaker_id: int
    other_speaker_id: int
    source_id: int
    quote_id: int


@pytest.fixture
def parents(session: Session) -> Parents:
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov", wikidata_id="Q150851")
    glasser = speakers.create_speaker(session, name="Susan Glasser")
    source = sources.create_source(
        session, kind="ARTICLE", title="Brief", text="NATO is making its posture universal"
    )
    quote = quotes.create_quote(session, speaker=lavrov, text="NATO is making its posture universal")
    return Parents(lavrov.id, glasser.id, source.id, quote.id)


def valid_row(table: str, parents: Parents) -> dict[str, Any]:
    """A row each table accepts (timestamps and versions come from server defaults)."""
    valid: dict[str, dict[str, Any]] = {
        "speaker": {"name": "Elena Varga", "name_key": "elena varga", "kind": "PERSON"},
        "speaker_alias": {
            "speaker_id": parents.speaker_id,
            "name": "Lavrov",
            "name_key": "lavrov",
            "kind": "SHORT_FORM",
        },
        "speaker_role": {
            "speaker_id": parents.speaker_id,
            "title": "Minister",
            "title_key": "minister",
            "started": 2004_03_09,
            "ended": 2024_00_00,
        },
        "outlet": {
            "name": "Foreign Policy",
            "name_key": "foreign policy",
            "kind": "MAGAZINE",
            "country": "US",
        },
        "interview": {"title": "Interview", "kind": "INTERVIEW", "held_on": 2013_03_00, "medium": "PRINT"},
        "source": {
            "kind": "TRANSCRIPT",
            "title": "Transcript",
            "url": "https://example.com/t",
            "text": "FP: Hello",
            "content_hash": HASH,
            "published_on": 2013_04_29,
        },
        "quote": {"speaker_id": parents.speaker_id, "text": "Hello", "said_on": 2013_03_15},
        "appearance": {
            "quote_id": parents.quote_id,
            "source_id": parents.source_id,
            "text": "NATO",
            "relation": "EXCERPT",
            "char_start": 0,
            "char_end": 4,
        },
        "turn": {
            "source_id": parents.source_id,
            "position": 0,
            "speaker_id": parents.speaker_id,
            "char_start": 0,
            "char_end": 4,
        },
        "fact_check": {
            "claim_reviewed": "A claim",
            "status": "DRAFT",
            "verdict": "ALTERED",
            "rating_value": 2,
            "best_rating": 5,
            "worst_rating": 1,
            "reviewed_on": 2013_05_00,
        },
    }
    return valid[table]


# --- the database on its own ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "change", "constraint"),
    [
        # enums are VARCHARs with a CHECK: an unknown member is refused
        ("appearance", {"relation": "QUOTED"}, "ck_appearance_appearance_relation"),
        ("appearance", {"relation": "verbatim"}, "ck_appearance_appearance_relation"),
        ("speaker", {"kind": "ROBOT"}, "ck_speaker_speaker_kind"),
        ("source", {"kind": "LEAFLET"}, "ck_source_source_kind"),
        ("fact_check", {"status": "PENDING"}, "ck_fact_check_fact_check_status"),
        ("fact_check", {"verdict": "FALSE"}, "ck_fact_check_verdict"),
        ("interview", {"medium": "RADIO"}, "ck_interview_medium"),
        ("outlet", {"kind": "BLOG"}, "ck_outlet_outlet_kind"),
        ("speaker_alias", {"kind": "NICKNAME"}, "ck_speaker_alias_alias_kind"),
        # spans
        ("turn", {"char_start": 5, "char_end": 4}, "ck_turn_span_ordered"),
        ("turn", {"char_start": -1}, "ck_turn_span_ordered"),
        ("turn", {"position": -1}, "ck_turn_position_not_negative"),
        ("appearance", {"char_start": 4, "char_end": 0}, "ck_appearance_span_ordered"),
        # the rest of the domain's rules
        ("source", {"content_hash": None}, "ck_source_hash_with_text"),
        ("source", {"text": None}, "ck_source_hash_with_text"),
        ("fact_check", {"verdict": None}, "ck_fact_check_has_judgement"),
        ("fact_check", {"rating_value": 6}, "ck_fact_check_rating_in_scale"),
        ("fact_check", {"rating_value": 2, "best_rating": None}, "ck_fact_check_rating_in_scale"),
        (
            "fact_check",
            {"rating_value": None, "best_rating": 3, "worst_rating": 3},
            "ck_fact_check_rating_scale",
        ),
        (
            "speaker_role",
            {"started": 2014_05_01, "ended": 2014_04_30},
            "ck_speaker_role_started_before_ended",
        ),
        (
            "speaker_role",
            {"started": 2014_05_00, "ended": 2014_04_30},
            "ck_speaker_role_started_before_ended",
        ),
        (
            "speaker_role",
            {"started": 2015_00_00, "ended": 2014_00_00},
            "ck_speaker_role_started_before_ended",
        ),
        ("speaker", {"wikidata_id": "P31"}, "ck_speaker_wikidata_id_format"),
        ("speaker", {"name_key": ""}, "ck_speaker_name_not_blank"),
        ("outlet", {"country": "USA"}, "ck_outlet_country_iso2"),
        ("quote", {"text": ""}, "ck_quote_text_not_blank"),
    ],
)
def test_check_constraints_refuse_bad_rows(
    session: Session, parents: Parents, table: str, change: dict[str, Any], constraint: str
) -> None:
    message = refused(session, table, valid_row(table, parents) | change)
    assert constraint in message
    accepted(session, table, valid_row(table, parents))


PARTIAL_DATE_COLUMNS = [
    ("quote", "said_on"),
    ("source", "published_on"),
    ("interview", "held_on"),
    ("speaker_role", "started"),
    ("speaker_role", "ended"),
    ("fact_check", "reviewed_on"),
]


@pytest.mark.parametrize(("table", "column"), PARTIAL_DATE_COLUMNS)
@pytest.mark.parametrize(
    "key",
    [
        pytest.param(2013_13_00, id="month-13"),
        pytest.param(2013_00_15, id="day-without-month"),
        pytest.param(2013_03_32, id="day-32"),
        pytest.param(9999, id="year-0"),
        pytest.param(10000_01_01, id="year-10000"),
    ],
)
def test_partial_date_columns_refuse_impossible_keys(
    session: Session, parents: Parents, table: str, column: str, key: int
) -> None:
    # (a role's bounds are checked against each other too: leave the other one out)
    row = valid_row(table, parents) | ({"started": None, "ended": None} if table == "speaker_role" else {})
    message = refused(session, table, row | {column: key})
    assert f"ck_{table}_{column}_parts" in message
    accepted(session, table, row | {column: 2013_03_00})


def test_a_day_past_the_end_of_its_month_is_refused(session: Session, parents: Parents) -> None:
    refused(session, "quote", valid_row("quote", parents) | {"said_on": 2013_02_30})


@pytest.mark.parametrize("change", [{"char_end": None}, {"char_start": None}])
def test_an_appearance_span_needs_both_ends(
    session: Session, parents: Parents, change: dict[str, Any]
) -> None:
    refused(session, "appearance", valid_row("appearance", parents) | change)


def test_a_wikidata_id_that_is_not_q_and_digits_is_refused(session: Session, parents: Parents) -> None:
    refused(session, "speaker", valid_row("speaker", parents) | {"wikidata_id": "Qabc"})


def test_a_role_may_end_inside_the_month_it_starts(session: Session, parents: Parents) -> None:
    """ "from May 2014 to 2014-05-10" is consistent: May may mean its first ten days."""
    accepted(
        session,
        "speaker_role",
        valid_row("speaker_role", parents) | {"started": 2014_05_00, "ended": 2014_05_10},
    )
    accepted(
        session,
        "speaker_role",
        valid_row("speaker_role", parents) | {"started": 2014_12_31, "ended": 2014_00_00},
    )


def test_unique_constraints(session: Session, parents: Parents) -> None:
    message = refused(session, "speaker", valid_row("speaker", parents) | {"wikidata_id": "Q150851"})
    assert "wikidata_id" in message
    alias = valid_row("speaker_alias", parents)
    accepted(session, "speaker_alias", alias)
    assert "name_key" in refused(session, "speaker_alias", alias | {"name": "LAVROV"})
    accepted(session, "speaker_alias", alias | {"speaker_id": parents.other_speaker_id})  # homonyms are fine
    turn = valid_row("turn", parents)
    accepted(session, "turn", turn)
    assert "position" in refused(session, "turn", turn | {"char_start": 1})
    source = valid_row("source", parents)
    accepted(session, "source", source)
    assert "content_hash" in refused(session, "source", source | {"title": "Same page, same text"})
    outlet = valid_row("outlet", parents)
    accepted(session, "outlet", outlet | {"domain": "foreignpolicy.com"})
    assert "name_key" in refused(session, "outlet", outlet | {"name": "FOREIGN POLICY"})
    assert "domain" in refused(
        session, "outlet", outlet | {"name": "FP", "name_key": "fp", "domain": "foreignpolicy.com"}
    )


@pytest.mark.parametrize(
    ("table", "change"),
    [
        ("quote", {"speaker_id": -1}),
        ("quote", {"interview_id": -1}),
        ("appearance", {"source_id": -1}),
        ("appearance", {"quote_id": -1}),
        ("appearance", {"taken_from_appearance_id": -1}),
        ("turn", {"speaker_id": -1}),
        ("speaker_role", {"speaker_id": -1}),
        ("source", {"outlet_id": -1}),
    ],
)
def test_foreign_keys_refuse_dangling_references(
    session: Session, parents: Parents, table: str, change: dict[str, Any]
) -> None:
    message = refused(session, table, valid_row(table, parents) | change)
    assert "foreign key" in message.lower()
    accepted(session, table, valid_row(table, parents))


def test_a_referenced_speaker_cannot_be_deleted(session: Session, parents: Parents) -> None:
    before = rows(session, "speaker")
    with pytest.raises(IntegrityError) as info, session.begin_nested():
        session.execute(text("DELETE FROM speaker WHERE id = :id"), {"id": parents.speaker_id})
    assert "foreign key" in str(info.value.orig).lower()
    assert rows(session, "speaker") == before


# The CHECK on partial dates and PartialDate agree on every key, 29 February of leap years included.


def _python_ok(key: int) -> bool:
    try:
        PartialDate.from_key(key)
    except ValidationError:
        return False
    return MIN_KEY <= key <= MAX_KEY


keys = st.one_of(
    st.integers(MIN_KEY - 100, MAX_KEY + 100),
    st.builds(
        lambda year, month, day: year * 10000 + month * 100 + day,
        st.integers(1, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
)


@settings(max_examples=150, deadline=None)
@given(key=keys)
def test_the_partial_date_check_agrees_with_partial_date(engine: Engine, key: int) -> None:
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            connection.execute(
                text("INSERT INTO interview (title, kind, held_on) VALUES ('t', 'INTERVIEW', :key)"),
                {"key": key},
            )
        except IntegrityError:
            stored = False
        else:
            stored = True
        finally:
            transaction.rollback()
    assert stored == _python_ok(key)


# --- the services refuse first, and say what to do --------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    call: Callable[[Session, Parents], object]
    error: type[QuotecheckError]
    message: str  # a regular expression for the whole message
    field: str | None


def _speaker(session: Session, parents: Parents) -> Speaker:
    return speakers.get_speaker(session, parents.speaker_id)


MISTAKES = {
    "unknown-relation": Mistake(
        lambda s, p: appearances.create_appearance(
            s,
            quote=quotes.get_quote(s, p.quote_id),
            source=sources.get_source(s, p.source_id),
            text="NATO",
            relation="QUOTED",
        ),
        ValidationError,
        r"relation 'QUOTED' is not one of VERBATIM, EXCERPT, TRANSLATION, PARAPHRASE, HEADLINE",
        "relation",
    ),
    "unknown-speaker-kind": Mistake(
        lambda s, p: speakers.create_speaker(s, name="HAL", kind="ROBOT"),
        ValidationError,
        r"kind 'ROBOT' is not one of PERSON, ORGANIZATION",
        "kind",
    ),
    "month-13": Mistake(
        lambda s, p: quotes.create_quote(s, speaker=_speaker(s, p), text="Hi", said_on="2013-13"),
        ValidationError,
        r"saidOn: month 13 in '2013-13' is not 1-12; write YYYY, YYYY-MM or YYYY-MM-DD .*",
        "saidOn",
    ),
    "day-without-month": Mistake(
        lambda s, p: quotes.create_quote(s, speaker=_speaker(s, p), text="Hi", said_on="2013--15"),
        ValidationError,
        r"saidOn: '2013--15' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD .*",
        "saidOn",
    ),
    "february-30": Mistake(
        lambda s, p: quotes.create_quote(s, speaker=_speaker(s, p), text="Hi", said_on="2013-02-30"),
        ValidationError,
        r"saidOn: day 30 in '2013-02-30' does not exist \(that month has 28 days\); write YYYY.*",
        "saidOn",
    ),
    "duplicate-wikidata-id": Mistake(
        lambda s, p: speakers.create_speaker(s, name="Sergei Lavrov", wikidata_id="Q150851"),
        Conflict,
        r"Wikidata ID Q150851 already names speaker 'Sergey Lavrov' \(id \d+\); one Wikidata ID names one "
        r"speaker: merge the two speakers instead",
        "wikidata_id",
    ),
    "dangling-speaker": Mistake(
        lambda s, p: speakers.get_speaker(s, p.speaker_id + 1000),
        NotFound,
        r"no speaker has id \d+; list speakers with `quotecheck` or the API",
        None,
    ),
    "blank-turn": Mistake(
        lambda s, p: sources.create_transcript(
            s, title="T", turns=[TurnInput(_speaker(s, p), "Hello"), TurnInput(_speaker(s, p), " \n")]
        ),
        ValidationError,
        r"turn 2 has no words; drop it or give its text",
        "turns",
    ),
    "offsets-past-the-end": Mistake(
        lambda s, p: appearances.create_appearance(
            s,
            quote=quotes.get_quote(s, p.quote_id),
            source=sources.get_source(s, p.source_id),
            text="NATO",
            relation=AppearanceRelation.EXCERPT,
            char_start=4,
            char_end=0,
        ),
        ValidationError,
        r"offsets 4\.\.0 are outside source \d+ \(0\.\.36\)",
        "charStart",
    ),
    "no-judgement": Mistake(
        lambda s, p: factchecks.create_fact_check(s, claim_reviewed="A claim", original_label="  "),
        ValidationError,
        r"a fact-check needs a verdict \(or, when imported, its original label\)",
        "verdict",
    ),
    "role-ends-before-it-starts": Mistake(
        lambda s, p: speakers.add_role(
            s, _speaker(s, p), RoleInput("Envoy", started="2014-05-01", ended="2014-04-30")
        ),
        ValidationError,
        r"role: starts 2014-05-01 after it ends 2014-04-30; swap or correct them",
        "role",
    ),
    "bad-country": Mistake(
        lambda s, p: outlets.create_outlet(s, name="VOA", country="USA"),
        ValidationError,
        r"country 'USA' is not a two-letter ISO 3166 code; use one like US, CA or FR",
        "country",
    ),
}

WATCHED = (
    "speaker",
    "speaker_alias",
    "speaker_role",
    "quote",
    "appearance",
    "source",
    "turn",
    "fact_check",
    "outlet",
)


def _counts(session: Session) -> dict[str, int]:
    return {table: rows(session, table) for table in WATCHED}


@pytest.mark.parametrize("name", list(MISTAKES))
def test_services_refuse_with_a_message_that_says_what_to_do(
    session: Session, parents: Parents, name: str
) -> None:
    mistake = MISTAKES[name]
    before = _counts(session)
    with pytest.raises(mistake.error) as info:
        mistake.call(session, parents)
    assert re.fullmatch(mistake.message, info.value.message), info.value.message
    assert info.value.field == mistake.field
    session.flush()
    assert _counts(session) == before


def test_the_service_always_stores_a_hash_with_the_text(session: Session) -> None:
    source = sources.create_source(session, kind="BRIEF", title="Brief", text="Lavrov said so.")
    stored = session.execute(
        text("SELECT content_hash FROM source WHERE id = :id"), {"id": source.id}
    ).scalar_one()
    assert stored == sources.content_hash("Lavrov said so.")
    assert len(stored) == 64


# --- a failed multi-step call leaves nothing behind -------------------------------------------------------


def _speaker_rows(session: Session) -> tuple[int, int, int]:
    return (
        int(session.scalar(select(func.count()).select_from(Speaker)) or 0),
        int(session.scalar(select(func.count()).select_from(SpeakerAlias)) or 0),
        int(session.scalar(select(func.count()).select_from(SpeakerRole)) or 0),
    )


def test_a_failed_create_speaker_in_a_savepoint_leaves_no_rows(session: Session) -> None:
    before = _speaker_rows(session)
    with pytest.raises(ValidationError, match=r"^started: month 13 in '2024-13'"), session.begin_nested():
        speakers.create_speaker(
            session,
            name="Half Written",
            aliases=["H. Written", "Halfwritten"],
            roles=[RoleInput("Minister", started="2020"), RoleInput("Envoy", started="2024-13")],
        )
    assert _speaker_rows(session) == before  # counting autoflushes: nothing pending either
    assert speakers.find_speakers(session, "half written") == []
    assert speakers.find_speakers(session, "halfwritten") == []
    survivor = speakers.create_speaker(session, name="Whole", aliases=["Complete"])  # the session still works
    assert _speaker_rows(session) == (before[0] + 1, before[1] + 1, before[2])
    assert speakers.find_speakers(session, "complete") == [survivor]


def _quote_rows(session: Session) -> tuple[int, int, int]:
    return (
        int(session.scalar(select(func.count()).select_from(Quote)) or 0),
        int(session.scalar(select(func.count()).select_from(Topic)) or 0),
        int(session.scalar(select(func.count()).select_from(quote_topic)) or 0),
    )


def test_a_quote_flushed_before_a_bad_topic_is_rolled_back_with_its_savepoint(
    session: Session, parents: Parents
) -> None:
    lavrov = speakers.get_speaker(session, parents.speaker_id)
    before = _quote_rows(session)
    inserts: list[str] = []

    def record(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement.split()[2].strip('"'))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        with (
            pytest.raises(ValidationError, match=r"^topic '!!!' has no letters or digits$"),
            session.begin_nested(),
        ):
            quotes.create_quote(
                session, speaker=lavrov, text="NATO takes a universal posture", topics=["NATO", "!!!"]
            )
    finally:
        event.remove(connection, "before_cursor_execute", record)
    # The topic lookup autoflushed the quote, and the first topic was written, before the bad one was seen.
    assert inserts == ["quote", "topic"]
    assert _quote_rows(session) == before
    assert quotes.find_quote(session, speaker=lavrov, text="NATO takes a universal posture") is None

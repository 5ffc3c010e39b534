"""The services, through a real database built by the migrations (each test rolled back)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from quotecheck.enums import (
    AliasKind,
    AppearanceRelation,
    FactCheckStatus,
    InterviewKind,
    OutletKind,
    ParticipantRole,
    SourceKind,
    Verdict,
)
from quotecheck.errors import Conflict, NotFound, ValidationError
from quotecheck.models import (
    Appearance,
    FactCheck,
    Outlet,
    Participant,
    Quote,
    Source,
    Speaker,
    SpeakerAlias,
    SpeakerRole,
    Turn,
)
from quotecheck.partial_date import PartialDate
from quotecheck.services import appearances, factchecks, interviews, outlets, quotes, sources, speakers
from quotecheck.services.interviews import ParticipantInput
from quotecheck.services.sources import TurnInput
from quotecheck.services.speakers import RoleInput

# The words of the example in DESIGN.md, as the transcript and the copies print them.
ANSWER = "NATO is making its military posture universal, and it\u2019s a cause of concern."
QUESTION = "How do you see NATO today?"


def count(session: Session, model: type[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def counts(session: Session, *models: type[Any]) -> dict[str, int]:
    return {model.__tablename__: count(session, model) for model in models}


def grown(session: Session, since: dict[str, int]) -> dict[str, int]:
    """Rows added to each table counted in `since` (other tests' rows never count)."""
    models = [mapper.class_ for mapper in Speaker.registry.mappers if mapper.class_.__tablename__ in since]
    return {name: rows - since[name] for name, rows in counts(session, *models).items()}


# --- speakers: lookup -------------------------------------------------------------------------------------


def test_an_alias_finds_its_speaker_once_recorded_and_not_before(session: Session) -> None:
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov")
    assert speakers.find_speakers(session, "sergei lavrov") == []

    alias = speakers.add_alias(session, lavrov, "Sergei Lavrov")

    assert alias is not None
    assert (alias.name, alias.name_key, alias.kind) == ("Sergei Lavrov", "sergei lavrov", AliasKind.SPELLING)
    assert speakers.find_speakers(session, "sergei lavrov") == [lavrov]
    assert speakers.find_speakers(session, "  SERGEY   lavrov ") == [lavrov]
    assert speakers.find_speakers(session, "Sergey-Lavrov!") == [lavrov]
    assert speakers.find_speakers(session, "Sergey") == []


def test_lookup_ignores_case_diacritics_and_punctuation(session: Session) -> None:
    varga = speakers.create_speaker(session, name="Elena Várga")
    glasser = speakers.create_speaker(session, name="Susan Glasser")
    speakers.add_alias(session, glasser, "Susan B. Glasser", kind=AliasKind.FULL_FORM)

    assert speakers.find_speakers(session, "ELENA VARGA") == [varga]
    assert speakers.find_speakers(session, "élena várga") == [varga]
    assert speakers.find_speakers(session, "susan b glasser") == [glasser]
    assert speakers.find_speakers(session, "Susan B Glasser") == [glasser]
    assert speakers.find_speakers(session, "Susan Glaser") == []
    assert speakers.find_speakers(session, "...") == []
    stored = session.execute(
        select(SpeakerAlias.name, SpeakerAlias.name_key, SpeakerAlias.kind).where(
            SpeakerAlias.speaker_id == glasser.id
        )
    ).all()
    assert stored == [("Susan B. Glasser", "susan b glasser", AliasKind.FULL_FORM)]


def test_lookup_ignores_letters_with_strokes(session: Session) -> None:
    walesa = speakers.create_speaker(session, name="Lech Wałęsa")
    kierkegaard = speakers.create_speaker(session, name="Søren Kierkegaard")
    assert speakers.find_speakers(session, "lech walesa") == [walesa]
    assert speakers.find_speakers(session, "soren kierkegaard") == [kierkegaard]


def test_resolve_speaker_says_what_is_wrong(session: Session) -> None:
    first = speakers.create_speaker(session, name="John Smith", description="a senator")
    second = speakers.create_speaker(session, name="john  SMITH", description="a footballer")
    unique = speakers.create_speaker(session, name="Susan Glasser")

    assert speakers.resolve_speaker(session, "SUSAN GLASSER") is unique
    with pytest.raises(NotFound) as missing:
        speakers.resolve_speaker(session, "Jane Doe")
    assert missing.value.message == (
        "no speaker is called 'Jane Doe'; check the spelling, or create the speaker first"
    )
    with pytest.raises(Conflict) as ambiguous:
        speakers.resolve_speaker(session, "John Smith")
    assert ambiguous.value.message == (
        f"2 speakers are called 'John Smith': John Smith (id {first.id}); john  SMITH (id {second.id}); "
        "use the id instead"
    )


def test_add_alias_never_duplicates_a_name(session: Session) -> None:
    lavrov = speakers.create_speaker(
        session, name="Sergey Lavrov", aliases=["Sergei Lavrov", "sergei  LAVROV"]
    )

    assert speakers.add_alias(session, lavrov, "Sergei Lavrov") is None
    assert speakers.add_alias(session, lavrov, "SERGEI LAVROV.") is None
    assert speakers.add_alias(session, lavrov, "sergey lavrov") is None  # the speaker's own name
    added = speakers.add_alias(session, lavrov, "Лавров", language="ru")
    assert added is not None
    assert speakers.add_alias(session, lavrov, "лавров") is None
    with pytest.raises(ValidationError, match=r"^alias '\.\.\.' has no letters or digits"):
        speakers.add_alias(session, lavrov, "...")
    session.flush()

    names = session.scalars(
        select(SpeakerAlias.name).where(SpeakerAlias.speaker_id == lavrov.id).order_by(SpeakerAlias.id)
    ).all()
    assert names == ["Sergei Lavrov", "Лавров"]
    assert added.language == "ru"


def test_create_speaker_validates_its_input(session: Session) -> None:
    before = count(session, Speaker)
    with pytest.raises(ValidationError) as empty:
        speakers.create_speaker(session, name="   ")
    assert (empty.value.message, empty.value.field) == ("name is empty; give it a value", "name")
    with pytest.raises(ValidationError) as kind:
        speakers.create_speaker(session, name="HAL 9000", kind="ROBOT")
    assert kind.value.message == "kind 'ROBOT' is not one of PERSON, ORGANIZATION"
    assert count(session, Speaker) == before


# --- speakers: Wikidata -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "qid", ["150851", "Q", "Q0150851", "P31", "Q15a", "Q-1", "https://www.wikidata.org/wiki/Q1"]
)
def test_a_wikidata_id_must_look_like_one(session: Session, qid: str) -> None:
    before = count(session, Speaker)
    with pytest.raises(ValidationError) as info:
        speakers.create_speaker(session, name="Sergey Lavrov", wikidata_id=qid)
    assert info.value.message == f"wikidata_id {qid!r} is not a Wikidata item ID; use the form Q150851"
    assert info.value.field == "wikidata_id"
    assert count(session, Speaker) == before


def test_a_wikidata_id_names_one_speaker(session: Session) -> None:
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov", wikidata_id=" q150851 ")
    assert lavrov.wikidata_id == "Q150851"
    before = count(session, Speaker)

    for spelling in ("Q150851", "q150851"):
        with pytest.raises(Conflict) as info:
            speakers.create_speaker(session, name="Sergei Lavrov", wikidata_id=spelling)
        assert info.value.message == (
            f"Wikidata ID Q150851 already names speaker 'Sergey Lavrov' (id {lavrov.id}); "
            "one Wikidata ID names one speaker: merge the two speakers instead"
        )
        assert info.value.field == "wikidata_id"
    assert count(session, Speaker) == before
    assert (
        speakers.create_speaker(session, name="Susan Glasser", wikidata_id="Q7648466").wikidata_id
        == "Q7648466"
    )


# --- speakers: roles over time ----------------------------------------------------------------------------


def titles(roles: Sequence[SpeakerRole]) -> list[str]:
    return [role.title for role in roles]


@pytest.fixture
def ruiz(session: Session) -> Speaker:
    """A speaker whose one role ends the day the next one starts, and a third that starts mid-month."""
    return speakers.create_speaker(
        session,
        name="Ana Ruiz",
        roles=[
            RoleInput(
                "Deputy Minister",
                organization="Ministry of Finance",
                started="2020-01-10",
                ended="2024-03-15",
            ),
            RoleInput(
                "Minister", organization="Ministry of Finance", started="2024-03-15"
            ),  # still in office
            RoleInput("Party Chair", started="2024-03-20", ended="2024-05"),
        ],
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2024-03-14", ["Deputy Minister"]),
        ("2024-03-15", ["Deputy Minister", "Minister"]),  # the handover day: both
        ("2024-03-16", ["Minister"]),
        ("2024-03", ["Deputy Minister", "Minister", "Party Chair"]),  # the month overlaps all three
        ("2024-05-31", ["Minister", "Party Chair"]),  # ended "2024-05" may mean the last day of May
        ("2024-06-01", ["Minister"]),
        ("2024", ["Deputy Minister", "Minister", "Party Chair"]),
        ("2020-01-09", []),
        ("2019", []),
        ("2031-07", ["Minister"]),  # an open end is open
    ],
)
def test_roles_on_a_partial_date(session: Session, ruiz: Speaker, on: str, expected: list[str]) -> None:
    assert titles(speakers.roles_on(session, ruiz.id, on)) == expected
    assert titles(speakers.roles_on(session, ruiz.id, PartialDate.parse(on))) == expected


def test_roles_on_only_the_speakers_own(session: Session, ruiz: Speaker) -> None:
    other = speakers.create_speaker(session, name="Luis Ruiz", roles=[RoleInput("Mayor", started="2024")])
    assert titles(speakers.roles_on(session, other.id, "2024-03-15")) == ["Mayor"]
    assert titles(speakers.roles_on(session, ruiz.id, "2024-03-15")) == ["Deputy Minister", "Minister"]


def test_a_role_without_a_start_is_open_back_in_time(session: Session) -> None:
    speaker = speakers.create_speaker(
        session,
        name="Omar Haddad",
        roles=[RoleInput("Ambassador", ended="2010-06"), RoleInput("Senator", started="2015")],
    )
    assert titles(speakers.roles_on(session, speaker.id, "1950")) == ["Ambassador"]
    assert titles(speakers.roles_on(session, speaker.id, "2010-06-30")) == ["Ambassador"]
    assert titles(speakers.roles_on(session, speaker.id, "2010-07")) == []


def test_roles_with_an_unknown_start_come_first_on_every_engine(session: Session) -> None:
    speaker = speakers.create_speaker(
        session,
        name="Omar Haddad",
        roles=[RoleInput("Senator", started="2005"), RoleInput("Ambassador", ended="2010-06")],
    )
    assert titles(speakers.roles_on(session, speaker.id, "2008")) == ["Ambassador", "Senator"]
    session.expire(speaker, ["roles"])
    assert titles(speaker.roles) == ["Ambassador", "Senator"]


def test_a_role_must_not_end_before_it_starts(session: Session) -> None:
    before = count(session, SpeakerRole)
    with pytest.raises(ValidationError) as info:
        speakers.create_speaker(
            session, name="Ana Ruiz", roles=[RoleInput("Minister", started="2024-05-01", ended="2024-04-30")]
        )
    assert info.value.message == "role: starts 2024-05-01 after it ends 2024-04-30; swap or correct them"
    with pytest.raises(ValidationError, match=r"^started: month 13 in '2024-13' is not 1-12"):
        speakers.create_speaker(session, name="Ana Ruiz", roles=[RoleInput("Minister", started="2024-13")])
    with pytest.raises(ValidationError, match=r"^on: 'soon' is not a date"):
        speakers.roles_on(session, 1, "soon")
    # A month that contains the end day is not "after" it.
    ruiz = speakers.create_speaker(
        session, name="Ana Ruiz", roles=[RoleInput("Minister", started="2024-05", ended="2024-05-10")]
    )
    assert count(session, SpeakerRole) == before + 1
    assert ruiz.roles[0].started == PartialDate(2024, 5)


# --- speakers: merging ------------------------------------------------------------------------------------

MERGE_TABLES = (Speaker, SpeakerAlias, SpeakerRole, Quote, Participant, Turn, Appearance)


def test_merge_speakers_moves_everything_and_loses_nothing(session: Session) -> None:
    empty = counts(session, *MERGE_TABLES)
    glasser = speakers.create_speaker(session, name="Susan Glasser")
    minister = RoleInput("Minister of Foreign Affairs", organization="Russia", started="2004-03-09")
    survivor = speakers.create_speaker(
        session, name="Sergey Lavrov", aliases=["Sergei Lavrov"], roles=[minister]
    )
    merged = speakers.create_speaker(
        session,
        name="Sergei Viktorovich Lavrov",
        wikidata_id="Q150851",
        description="Russian diplomat",
        aliases=["Sergey Lavrov", "Sergei Lavrov"],  # the survivor's name and alias: not copied twice
        roles=[
            minister,  # the same role: not copied twice
            RoleInput("Permanent Representative to the United Nations", "Russia", "1994", "2004-03"),
        ],
    )
    speakers.add_alias(session, merged, "LAVROV", kind=AliasKind.SHORT_FORM)
    moscow = interviews.create_interview(
        session,
        title="'The Law of Politics' According to Sergei Lavrov",
        held_on="2013-03",
        place="Moscow",
        participants=[
            ParticipantInput(glasser, ParticipantRole.INTERVIEWER, "Foreign Policy Editor"),
            ParticipantInput(survivor, ParticipantRole.INTERVIEWEE),
            ParticipantInput(merged, ParticipantRole.INTERVIEWEE),  # the same part, twice over
        ],
    )
    briefing = interviews.create_interview(
        session,
        title="Press conference",
        kind=InterviewKind.PRESS_CONFERENCE,
        held_on="2014-01-20",
        participants=[ParticipantInput(merged, "interviewee", "Minister")],
    )
    transcript = sources.create_transcript(
        session,
        title="Interview transcript",
        interview=moscow,
        turns=[
            TurnInput(glasser, QUESTION, "FP"),
            TurnInput(merged, ANSWER, "LAVROV"),
            TurnInput(survivor, "That is all.", "LAVROV"),
        ],
    )
    kept = quotes.create_quote(session, speaker=survivor, text="That is all.", said_on="2013-03")
    moved = [
        quotes.create_quote(session, speaker=merged, text=ANSWER, said_on="2013-03", interview=moscow),
        quotes.create_quote(session, speaker=merged, text="We never said that.", said_on="2014-01-20"),
    ]
    appearances.create_appearance(
        session, quote=moved[0], source=transcript, text=ANSWER, relation=AppearanceRelation.VERBATIM
    )
    assert [s.id for s in speakers.find_speakers(session, "sergei lavrov")] == [survivor.id, merged.id]
    assert grown(session, empty) == {
        "speaker": 3,
        "speaker_alias": 1 + 3,
        "speaker_role": 1 + 2,
        "quote": 3,
        "participant": 3 + 1,
        "turn": 3,
        "appearance": 1,
    }
    merged_id, survivor_id = merged.id, survivor.id
    quote_ids = [kept.id, *(quote.id for quote in moved)]

    result = speakers.merge_speakers(session, survivor_id=survivor_id, merged_id=merged_id)

    assert result is survivor
    assert grown(session, empty) == {
        "speaker": 2,
        "speaker_alias": 3,  # Sergei Lavrov, the merged name, LAVROV
        "speaker_role": 2,
        "quote": 3,
        "participant": 3,  # the duplicate part went; the press conference moved
        "turn": 3,
        "appearance": 1,
    }
    with pytest.raises(NotFound):
        speakers.get_speaker(session, merged_id)
    aliases = session.execute(
        select(SpeakerAlias.name, SpeakerAlias.kind)
        .where(SpeakerAlias.speaker_id == survivor_id)
        .order_by(SpeakerAlias.id)
    ).all()
    assert aliases == [
        ("Sergei Lavrov", AliasKind.SPELLING),
        ("Sergei Viktorovich Lavrov", AliasKind.MERGED),
        ("LAVROV", AliasKind.SHORT_FORM),
    ]
    for name in ("sergei viktorovich lavrov", "Sergei Lavrov", "Sergey Lavrov", "lavrov"):
        assert speakers.find_speakers(session, name) == [survivor], name
    roles = session.execute(
        select(SpeakerRole.title, SpeakerRole.started, SpeakerRole.ended)
        .where(SpeakerRole.speaker_id == survivor_id)
        .order_by(SpeakerRole.started)
    ).all()
    assert roles == [
        ("Permanent Representative to the United Nations", PartialDate(1994), PartialDate(2004, 3)),
        ("Minister of Foreign Affairs", PartialDate(2004, 3, 9), None),
    ]
    stored = session.execute(
        select(Speaker.wikidata_id, Speaker.description).where(Speaker.id == survivor_id)
    ).one()
    assert tuple(stored) == ("Q150851", "Russian diplomat")
    assert survivor.wikidata_id == "Q150851"
    quote_rows = session.execute(
        select(Quote.id, Quote.speaker_id, Quote.version, Quote.text)
        .where(Quote.id.in_(quote_ids))
        .order_by(Quote.id)
    ).all()
    assert quote_rows == [
        (kept.id, survivor_id, 1, "That is all."),
        (moved[0].id, survivor_id, 2, ANSWER),
        (moved[1].id, survivor_id, 2, "We never said that."),
    ]
    parts = session.execute(
        select(
            Participant.interview_id, Participant.speaker_id, Participant.role, Participant.title_as_written
        )
        .where(Participant.interview_id.in_([moscow.id, briefing.id]))
        .order_by(Participant.interview_id, Participant.role)
    ).all()
    assert parts == [
        (moscow.id, survivor_id, ParticipantRole.INTERVIEWEE, None),
        (moscow.id, glasser.id, ParticipantRole.INTERVIEWER, "Foreign Policy Editor"),
        (briefing.id, survivor_id, ParticipantRole.INTERVIEWEE, "Minister"),
    ]
    turn_speakers = session.scalars(
        select(Turn.speaker_id).where(Turn.source_id == transcript.id).order_by(Turn.position)
    ).all()
    assert turn_speakers == [glasser.id, survivor_id, survivor_id]
    assert sorted(quote.id for quote in survivor.quotes) == quote_ids
    assert len(survivor.participations) == 2


def test_merge_keeps_the_title_of_a_duplicate_part(session: Session) -> None:
    survivor = speakers.create_speaker(session, name="Sergey Lavrov")
    merged = speakers.create_speaker(session, name="Sergei Lavrov")
    moscow = interviews.create_interview(
        session,
        title="Interview",
        participants=[
            ParticipantInput(survivor, ParticipantRole.INTERVIEWEE),
            ParticipantInput(merged, ParticipantRole.INTERVIEWEE, "Russian Foreign Minister"),
        ],
    )
    speakers.merge_speakers(session, survivor_id=survivor.id, merged_id=merged.id)
    titles_written = session.scalars(
        select(Participant.title_as_written).where(Participant.interview_id == moscow.id)
    ).all()
    assert titles_written == ["Russian Foreign Minister"]


def test_merge_refuses_two_different_wikidata_entities(session: Session) -> None:
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov", wikidata_id="Q150851")
    namesake = speakers.create_speaker(session, name="Sergei Lavrov", wikidata_id="Q4504139")
    quotes.create_quote(session, speaker=namesake, text="A different man.")
    before = counts(session, *MERGE_TABLES)

    with pytest.raises(Conflict) as info:
        speakers.merge_speakers(session, survivor_id=lavrov.id, merged_id=namesake.id)

    assert info.value.message == (
        "'Sergey Lavrov' is Q150851 and 'Sergei Lavrov' is Q4504139 on Wikidata: they are different "
        "entities; correct a Wikidata ID first if one is wrong"
    )
    assert counts(session, *MERGE_TABLES) == before
    assert speakers.get_speaker(session, namesake.id).wikidata_id == "Q4504139"


def test_merge_refuses_a_speaker_into_itself_and_unknown_ids(session: Session) -> None:
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov")
    before = counts(session, *MERGE_TABLES)
    with pytest.raises(ValidationError) as itself:
        speakers.merge_speakers(session, survivor_id=lavrov.id, merged_id=lavrov.id)
    assert itself.value.message == "a speaker cannot be merged into itself; give two different ids"
    with pytest.raises(NotFound) as missing:
        speakers.merge_speakers(session, survivor_id=lavrov.id, merged_id=lavrov.id + 1000)
    assert missing.value.message.startswith(f"no speaker has id {lavrov.id + 1000};")
    assert counts(session, *MERGE_TABLES) == before


# --- quotes: partial dates in SQL -------------------------------------------------------------------------


def test_partial_dates_sort_and_filter_in_sql(session: Session) -> None:
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov")
    for said_on in ("2014", "2013-03", "2013", "2013-02-15", "2012-12-31"):
        quotes.create_quote(session, speaker=lavrov, text=f"said {said_on}", said_on=said_on)
    quotes.create_quote(session, speaker=lavrov, text="said sometime")
    mine = Quote.speaker_id == lavrov.id

    ordered = session.scalars(
        select(Quote.said_on).where(mine, Quote.said_on.is_not(None)).order_by(Quote.said_on)
    )
    assert [str(date) for date in ordered] == ["2012-12-31", "2013", "2013-02-15", "2013-03", "2014"]

    year = PartialDate(2013)
    within = session.scalars(
        select(Quote.text)
        .where(mine, Quote.said_on >= year.key, Quote.said_on <= year.end_key)
        .order_by(Quote.said_on)
    )
    assert list(within) == ["said 2013", "said 2013-02-15", "said 2013-03"]

    march = PartialDate(2013, 3)
    in_march = session.scalars(
        select(Quote.text).where(mine, Quote.said_on.between(march.key, march.end_key))
    )
    assert list(in_march) == ["said 2013-03"]
    stored = session.execute(
        text("SELECT said_on FROM quote WHERE speaker_id = :id AND text = 'said 2013-02-15'"),
        {"id": lavrov.id},
    ).scalar_one()
    assert stored == 2013_02_15


# --- outlets ----------------------------------------------------------------------------------------------


def test_outlets(session: Session) -> None:
    fp = outlets.create_outlet(
        session,
        name="Foreign Policy",
        kind="magazine",
        url="https://www.ForeignPolicy.com/",
        country="us",
        languages=["EN"],
    )
    assert (fp.kind, fp.domain, fp.country, fp.languages) == (
        OutletKind.MAGAZINE,
        "foreignpolicy.com",
        "US",
        ["en"],
    )
    before = count(session, Outlet)

    with pytest.raises(Conflict) as name:
        outlets.create_outlet(session, name="FOREIGN  policy")
    assert name.value.message == f"an outlet called 'Foreign Policy' exists already (id {fp.id})"
    with pytest.raises(Conflict) as domain:
        outlets.create_outlet(session, name="FP Magazine", url="http://foreignpolicy.com/articles")
    assert (
        domain.value.message
        == f"the domain foreignpolicy.com belongs to outlet 'Foreign Policy' (id {fp.id})"
    )
    with pytest.raises(ValidationError) as country:
        outlets.create_outlet(session, name="Voice of America", country="USA")
    assert country.value.message == (
        "country 'USA' is not a two-letter ISO 3166 code; use one like US, CA or FR"
    )
    with pytest.raises(ValidationError, match=r"^url 'foreignpolicy\.org' is not an http\(s\) URL"):
        outlets.create_outlet(session, name="Other", url="foreignpolicy.org")
    assert count(session, Outlet) == before

    for query in (
        "foreignpolicy.com",
        "WWW.FOREIGNPOLICY.COM",
        "https://foreignpolicy.com/2013/04/29/the-law-of-politics/",
        "foreign policy",
    ):
        assert outlets.find_outlet(session, query) is fp, query
    assert outlets.find_outlet(session, "example.com") is None
    assert outlets.get_outlet(session, fp.id) is fp
    with pytest.raises(NotFound):
        outlets.get_outlet(session, fp.id + 1000)


# --- sources and transcripts ------------------------------------------------------------------------------


def test_transcript_text_lays_out_turns_with_exact_spans(session: Session) -> None:
    glasser = speakers.create_speaker(session, name="Susan Glasser")
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov")
    turns = [
        TurnInput(glasser, f"  {QUESTION}\n", "FP"),
        TurnInput(lavrov, ANSWER, "LAVROV"),
        TurnInput(glasser, "And missile defence?"),
    ]

    laid_out, spans = sources.transcript_text(turns)

    assert laid_out == f"FP: {QUESTION}\n\nLAVROV: {ANSWER}\n\nSusan Glasser: And missile defence?"
    assert [laid_out[start:end] for start, end in spans] == [QUESTION, ANSWER, "And missile defence?"]
    with pytest.raises(ValidationError) as blank:
        sources.transcript_text([turns[0], TurnInput(lavrov, "  ")])
    assert blank.value.message == "turn 2 has no words; drop it or give its text"


def test_create_transcript_stores_turns_as_offsets(session: Session) -> None:
    glasser = speakers.create_speaker(session, name="Susan Glasser")
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov")
    turns = [
        TurnInput(glasser, QUESTION, "FP"),
        TurnInput(lavrov, f"{ANSWER}  ", "LAVROV"),
        TurnInput(glasser, "And missile defence?"),
    ]
    transcript = sources.create_transcript(
        session,
        title="Transcript",
        turns=turns,
        url="https://foreignpolicy.com/law",
        published_on="2013-04-29",
    )
    source_id = transcript.id
    session.expire_all()

    stored = session.get_one(Source, source_id)
    assert stored.kind is SourceKind.TRANSCRIPT
    assert stored.published_on == PartialDate(2013, 4, 29)
    assert stored.text is not None
    assert stored.content_hash == hashlib.sha256(stored.text.encode()).hexdigest()
    assert [(t.position, t.speaker_id, t.label) for t in stored.turns] == [
        (0, glasser.id, "FP"),
        (1, lavrov.id, "LAVROV"),
        (2, glasser.id, "Susan Glasser"),
    ]
    assert [stored.text[t.char_start : t.char_end] for t in stored.turns] == [
        turn.text.strip() for turn in turns
    ]
    assert [t.text for t in stored.turns] == [QUESTION, ANSWER, "And missile defence?"]
    with pytest.raises(ValidationError, match=r"^a transcript needs at least one turn$"):
        sources.create_transcript(session, title="Empty", turns=[])


def test_create_source_refuses_duplicates_and_bad_input(session: Session) -> None:
    source = sources.create_source(
        session, kind="article", title="Brief", url="https://example.ca/brief", text="Lavrov said so."
    )
    assert source.content_hash == hashlib.sha256(b"Lavrov said so.").hexdigest()
    before = count(session, Source)
    with pytest.raises(Conflict) as duplicate:
        sources.create_source(
            session, kind="BRIEF", title="Again", url="https://example.ca/brief", text="Lavrov said so."
        )
    assert duplicate.value.message == (
        "a source with URL https://example.ca/brief and the same text is stored already; re-use it"
    )
    with pytest.raises(ValidationError, match=r"^text is blank"):
        sources.create_source(session, kind="BRIEF", title="Blank", text=" \n ")
    with pytest.raises(ValidationError, match=r"^kind 'leaflet' is not one of TRANSCRIPT, ARTICLE"):
        sources.create_source(session, kind="leaflet", title="Leaflet")
    assert count(session, Source) == before
    # The same URL with other text is another version of the page: kept.
    sources.create_source(
        session, kind="ARTICLE", title="Brief", url="https://example.ca/brief", text="Updated."
    )
    assert count(session, Source) == before + 1


def test_two_different_sources_known_only_by_title_can_both_be_stored(session: Session) -> None:
    before = count(session, Source)
    sources.create_source(session, kind=SourceKind.BOOK, title="Memoirs of a Diplomat")
    sources.create_source(session, kind=SourceKind.BOOK, title="A History of NATO")
    assert count(session, Source) == before + 2


# --- appearances and provenance ---------------------------------------------------------------------------


@pytest.fixture
def chain(session: Session) -> dict[str, Any]:
    """The example's path: a transcript, a newspaper that printed the answer, a wire that copied the paper."""
    glasser = speakers.create_speaker(session, name="Susan Glasser")
    lavrov = speakers.create_speaker(session, name="Sergey Lavrov")
    fp = outlets.create_outlet(session, name="Foreign Policy", kind=OutletKind.MAGAZINE)
    transcript = sources.create_transcript(
        session,
        title="'The Law of Politics' According to Sergei Lavrov",
        outlet=fp,
        published_on="2013-04-29",
        turns=[TurnInput(glasser, QUESTION, "FP"), TurnInput(lavrov, ANSWER, "LAVROV")],
    )
    paper = sources.create_source(
        session,
        kind=SourceKind.ARTICLE,
        title="Lavrov on NATO",
        published_on="2013-04-30",
        text=f"Russia's foreign minister said: \u201c{ANSWER}\u201d He spoke in March.",
    )
    wire = sources.create_source(
        session,
        kind=SourceKind.ARTICLE,
        title="NATO posture",
        published_on="2013-05-02",
        text="MOSCOW (Wire) -- NATO is making its military posture universal, Lavrov said.",
    )
    quote = quotes.create_quote(session, speaker=lavrov, text=ANSWER, said_on="2013-03")
    return {"transcript": transcript, "paper": paper, "wire": wire, "quote": quote, "lavrov": lavrov}


def test_appearance_offsets_are_found_in_the_source(session: Session, chain: dict[str, Any]) -> None:
    paper: Source = chain["paper"]
    assert paper.text is not None

    found = appearances.create_appearance(
        session, quote=chain["quote"], source=paper, text=ANSWER, relation="verbatim", attribution="Lavrov"
    )

    start = paper.text.index(ANSWER)
    assert (found.char_start, found.char_end) == (start, start + len(ANSWER))
    assert paper.text[found.char_start : found.char_end] == ANSWER
    assert found.relation is AppearanceRelation.VERBATIM
    given = appearances.create_appearance(
        session,
        quote=chain["quote"],
        source=paper,
        text="NATO",
        relation=AppearanceRelation.EXCERPT,
        char_start=start,
        char_end=start + 4,
    )
    assert (given.char_start, given.char_end) == (start, start + 4)


def test_appearance_offsets_and_text_are_checked(session: Session, chain: dict[str, Any]) -> None:
    paper: Source = chain["paper"]
    assert paper.text is not None
    start = paper.text.index(ANSWER)
    before = count(session, Appearance)

    with pytest.raises(ValidationError) as moved:
        appearances.create_appearance(
            session,
            quote=chain["quote"],
            source=paper,
            text="NATO",
            relation="EXCERPT",
            char_start=start + 1,
            char_end=start + 5,
        )
    assert (
        moved.value.message == f"source {paper.id} has 'ATO ' at {start + 1}..{start + 5}, not the given text"
    )
    assert moved.value.field == "text"
    with pytest.raises(ValidationError) as outside:
        appearances.create_appearance(
            session,
            quote=chain["quote"],
            source=paper,
            text="NATO",
            relation="EXCERPT",
            char_start=3,
            char_end=9999,
        )
    assert outside.value.message == f"offsets 3..9999 are outside source {paper.id} (0..{len(paper.text)})"
    straight = ANSWER.replace("\u2019", "'")  # typography is part of the text as published
    with pytest.raises(ValidationError) as missing:
        appearances.create_appearance(
            session, quote=chain["quote"], source=paper, text=straight, relation="VERBATIM"
        )
    assert missing.value.message == (
        f"the text is not in source {paper.id} as given; copy it exactly as published "
        "(typography included) or give its offsets"
    )
    with pytest.raises(ValidationError, match=r"^relation 'QUOTED' is not one of VERBATIM"):
        appearances.create_appearance(
            session, quote=chain["quote"], source=paper, text=ANSWER, relation="QUOTED"
        )
    with pytest.raises(ValidationError, match=r"^an appearance cannot be taken from its own source$"):
        appearances.create_appearance(
            session,
            quote=chain["quote"],
            source=paper,
            text=ANSWER,
            relation="VERBATIM",
            taken_from_source=paper,
        )
    assert count(session, Appearance) == before


def test_appearance_in_a_source_without_text(session: Session, chain: dict[str, Any]) -> None:
    paywalled = sources.create_source(session, kind="ARTICLE", title="Paywalled", url="https://example.com/p")
    plain = appearances.create_appearance(
        session, quote=chain["quote"], source=paywalled, text=ANSWER, relation="VERBATIM"
    )
    assert (plain.char_start, plain.char_end) == (None, None)
    with pytest.raises(
        ValidationError, match=rf"^source {paywalled.id} holds no text, so offsets cannot be checked"
    ):
        appearances.create_appearance(
            session,
            quote=chain["quote"],
            source=paywalled,
            text=ANSWER,
            relation="VERBATIM",
            char_start=0,
            char_end=4,
        )


def test_provenance_follows_the_chain_to_the_primary_source(session: Session, chain: dict[str, Any]) -> None:
    in_paper = appearances.create_appearance(
        session,
        quote=chain["quote"],
        source=chain["paper"],
        text=ANSWER,
        relation="VERBATIM",
        taken_from_source=chain["transcript"],
        cited_as="in Foreign Policy Magazine",
    )
    on_wire = appearances.create_appearance(
        session,
        quote=chain["quote"],
        source=chain["wire"],
        text="NATO is making its military posture universal",
        relation=AppearanceRelation.EXCERPT,
        taken_from_appearance=in_paper,
    )
    appearance_id = on_wire.id
    session.expire_all()

    found = appearances.provenance(session, appearances.get_appearance(session, appearance_id))

    assert [a.id for a in found.chain] == [appearance_id, in_paper.id]
    assert found.origin is not None
    assert found.origin.id == chain["transcript"].id
    assert found.reaches_primary is True
    from_paper = appearances.provenance(session, in_paper)
    assert ([a.id for a in from_paper.chain], from_paper.reaches_primary) == ([in_paper.id], True)


def test_provenance_that_stops_short_of_a_primary_source(session: Session, chain: dict[str, Any]) -> None:
    unsourced = appearances.create_appearance(
        session, quote=chain["quote"], source=chain["wire"], text="NATO is making", relation="EXCERPT"
    )
    copied = appearances.create_appearance(
        session,
        quote=chain["quote"],
        source=chain["paper"],
        text=ANSWER,
        relation="VERBATIM",
        taken_from_source=chain["wire"],
    )
    alone = appearances.provenance(session, unsourced)
    assert [a.id for a in alone.chain] == [unsourced.id]
    assert alone.origin is chain["wire"]  # no named origin: the chain ends at its own source
    assert alone.reaches_primary is False
    secondhand = appearances.provenance(session, copied)
    assert secondhand.origin is chain["wire"]
    assert secondhand.reaches_primary is False


def test_provenance_ending_in_an_appearance_in_the_transcript_reaches_primary(
    session: Session, chain: dict[str, Any]
) -> None:
    in_transcript = appearances.create_appearance(
        session, quote=chain["quote"], source=chain["transcript"], text=ANSWER, relation="VERBATIM"
    )
    in_paper = appearances.create_appearance(
        session,
        quote=chain["quote"],
        source=chain["paper"],
        text=ANSWER,
        relation="VERBATIM",
        taken_from_appearance=in_transcript,
    )
    found = appearances.provenance(session, in_paper)
    assert [a.id for a in found.chain] == [in_paper.id, in_transcript.id]
    assert found.origin is chain["transcript"]
    assert found.reaches_primary is True


def test_first_appearance_is_the_earliest_published(session: Session, chain: dict[str, Any]) -> None:
    quote: Quote = chain["quote"]
    assert appearances.first_appearance(session, quote) is None
    undated = sources.create_source(session, kind="ARTICLE", title="Undated", text=f"He said {ANSWER}")
    on_wire = appearances.create_appearance(
        session, quote=quote, source=chain["wire"], text="NATO is making", relation="EXCERPT"
    )
    appearances.create_appearance(session, quote=quote, source=undated, text=ANSWER, relation="VERBATIM")
    assert appearances.first_appearance(session, quote) is on_wire
    in_paper = appearances.create_appearance(
        session, quote=quote, source=chain["paper"], text=ANSWER, relation="VERBATIM"
    )
    assert appearances.first_appearance(session, quote) is in_paper  # 2013-04-30 before 2013-05-02
    in_transcript = appearances.create_appearance(
        session, quote=quote, source=chain["transcript"], text=ANSWER, relation="VERBATIM"
    )
    assert appearances.first_appearance(session, quote) is in_transcript  # 2013-04-29
    monthly = sources.create_source(
        session, kind="ARTICLE", title="Monthly", published_on="2013-04", text=f"Quoted: {ANSWER}"
    )
    in_monthly = appearances.create_appearance(
        session, quote=quote, source=monthly, text=ANSWER, relation="VERBATIM"
    )
    assert appearances.first_appearance(session, quote) is in_monthly  # "2013-04" sorts by its first day
    other = quotes.create_quote(session, speaker=chain["lavrov"], text="Something else.")
    assert appearances.first_appearance(session, other) is None


# --- fact-checks ------------------------------------------------------------------------------------------


def test_fact_check_lifecycle(session: Session, chain: dict[str, Any]) -> None:
    before = count(session, FactCheck)
    draft = factchecks.create_fact_check(
        session,
        quote=chain["quote"],
        claim_reviewed="Lavrov said NATO takes a universal military posture",
        verdict="paraphrased",
        rating_value=2,
        best_rating=5,
        worst_rating=1,
        alternate_name="Paraphrase",
        reviewed_on="2013-05",
        evidence=[factchecks.EvidenceInput(source=chain["transcript"], passage="military posture universal")],
    )
    assert (draft.status, draft.verdict, draft.published_at) == (
        FactCheckStatus.DRAFT,
        Verdict.PARAPHRASED,
        None,
    )
    transcript: Source = chain["transcript"]
    assert transcript.text is not None
    evidence = draft.evidence[0]
    assert evidence.char_start is not None
    assert transcript.text[evidence.char_start : evidence.char_end] == "military posture universal"

    earliest = dt.datetime.now(dt.UTC)
    factchecks.publish_fact_check(session, draft)
    latest = dt.datetime.now(dt.UTC)
    published_at = draft.published_at
    assert draft.status is FactCheckStatus.PUBLISHED
    assert published_at is not None
    assert earliest <= published_at <= latest
    factchecks.publish_fact_check(session, draft)  # publishing twice changes nothing
    assert draft.published_at == published_at

    factchecks.retract_fact_check(session, draft, reason="The transcript was misread.")
    fact_check_id = draft.id
    session.expire_all()

    kept = factchecks.get_fact_check(session, fact_check_id)
    assert kept.status is FactCheckStatus.RETRACTED
    assert kept.retraction_reason == "The transcript was misread."
    assert kept.retracted_at is not None
    assert kept.retracted_at.tzinfo is not None
    assert kept.published_at == published_at
    assert kept.reviewed_on == PartialDate(2013, 5)
    with pytest.raises(Conflict) as again:
        factchecks.publish_fact_check(session, kept)
    assert again.value.message == "a retracted fact-check cannot be published again; write a new one"
    assert count(session, FactCheck) == before + 1
    assert session.execute(select(FactCheck.status).where(FactCheck.id == fact_check_id)).scalar_one() is (
        FactCheckStatus.RETRACTED
    )


def test_only_a_published_fact_check_can_be_retracted(session: Session) -> None:
    draft = factchecks.create_fact_check(session, claim_reviewed="A claim", original_label="Mostly false")
    with pytest.raises(Conflict) as info:
        factchecks.retract_fact_check(session, draft, reason="never published")
    assert info.value.message == "only a published fact-check can be retracted; this one is DRAFT"
    assert (draft.status, draft.verdict, draft.original_label) == (
        FactCheckStatus.DRAFT,
        None,
        "Mostly false",
    )


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        (
            {"rating_value": 6, "best_rating": 5, "worst_rating": 1},
            "rating 6 is outside the scale 1..5",
            "ratingValue",
        ),
        (
            {"rating_value": 0, "best_rating": 5, "worst_rating": 1},
            "rating 0 is outside the scale 1..5",
            "ratingValue",
        ),
        (
            {"rating_value": 6, "best_rating": 1, "worst_rating": 5},
            "rating 6 is outside the scale 5..1",
            "ratingValue",
        ),
        ({"rating_value": 3}, "a rating value needs bestRating and worstRating", "ratingValue"),
        ({"best_rating": 3, "worst_rating": 3}, "bestRating and worstRating must differ", "bestRating"),
        (
            {"verdict": None},
            "a fact-check needs a verdict (or, when imported, its original label)",
            "verdict",
        ),
        (
            {"verdict": "FALSE"},
            "verdict 'FALSE' is not one of VERBATIM, VERBATIM_WITH_ELISIONS, ALTERED, "
            "PARAPHRASED, MISATTRIBUTED, NOT_FOUND",
            "verdict",
        ),
    ],
)
def test_create_fact_check_refuses_bad_input(
    session: Session, arguments: dict[str, Any], message: str, field: str
) -> None:
    keywords: dict[str, Any] = {"claim_reviewed": "A claim", "verdict": Verdict.ALTERED, **arguments}
    before = count(session, FactCheck)
    with pytest.raises(ValidationError) as info:
        factchecks.create_fact_check(session, **keywords)
    assert (info.value.message, info.value.field) == (message, field)
    assert count(session, FactCheck) == before


def test_a_reversed_rating_scale_is_fine(session: Session) -> None:
    fact_check = factchecks.create_fact_check(
        session, claim_reviewed="A claim", verdict="ALTERED", rating_value=4, best_rating=1, worst_rating=5
    )
    assert (fact_check.rating_value, fact_check.best_rating, fact_check.worst_rating) == (4, 1, 5)


# --- paging -----------------------------------------------------------------------------------------------


def test_list_speakers_pages_by_id(session: Session) -> None:
    made = [speakers.create_speaker(session, name=f"Speaker {n}", aliases=[f"S{n}"]) for n in range(5)]
    ids = [speaker.id for speaker in made]
    start = ids[0] - 1

    pages = [
        speakers.list_speakers(session, limit=2, after_id=start),
        speakers.list_speakers(session, limit=2, after_id=ids[1]),
        speakers.list_speakers(session, limit=2, after_id=ids[3]),
        speakers.list_speakers(session, limit=2, after_id=ids[4]),
    ]

    assert [[speaker.id for speaker in rows] for rows in pages] == [ids[0:2], ids[2:4], ids[4:], []]
    assert [alias.name for alias in pages[1][0].aliases] == ["S2"]


def test_list_outlets_pages_by_id(session: Session) -> None:
    ids = [outlets.create_outlet(session, name=f"Outlet {n}").id for n in range(3)]
    assert [o.id for o in outlets.list_outlets(session, limit=1000, after_id=ids[0] - 1)] == ids
    assert [o.id for o in outlets.list_outlets(session, limit=1, after_id=ids[0])] == [ids[1]]


ListFunction = Callable[..., Sequence[Any]]


@pytest.mark.parametrize(
    "list_rows",
    [
        speakers.list_speakers,
        outlets.list_outlets,
        quotes.list_quotes,
        sources.list_sources,
        interviews.list_interviews,
        factchecks.list_fact_checks,
    ],
)
@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_list_limits_are_bounded(session: Session, list_rows: ListFunction, limit: int) -> None:
    with pytest.raises(ValidationError) as info:
        list_rows(session, limit=limit)
    assert info.value.message == f"limit {limit} is outside 1-1000; ask for fewer rows per page"
    assert info.value.field == "limit"

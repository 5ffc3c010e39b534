"""The demo corpus: idempotent, the seed's real story as recorded, and a fictional story with every kind."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from quotecheck.demo import load_demo
from quotecheck.enums import AppearanceRelation, FactCheckStatus, SourceKind, Verdict
from quotecheck.models import Appearance, FactCheck, Interview, Quote, Source, Turn
from quotecheck.partial_date import PartialDate
from quotecheck.services import appearances, speakers
from tests.counts import table_counts


def test_loading_twice_changes_nothing(session: Session) -> None:
    first = load_demo(session)
    counts = table_counts(session.connection())
    stamps = sorted(str(row) for row in session.execute(select(Quote.id, Quote.updated_at, Quote.version)))
    second = load_demo(session)
    assert sum(first.values()) > 0
    assert not second
    assert table_counts(session.connection()) == counts
    assert (
        sorted(str(row) for row in session.execute(select(Quote.id, Quote.updated_at, Quote.version)))
        == stamps
    )


def test_seed_story_is_the_brief_and_the_foreign_policy_interview(session: Session) -> None:
    load_demo(session)
    lavrov = speakers.resolve_speaker(session, "sergei lavrov")
    assert lavrov.name == "Sergey Lavrov"
    assert [role.title for role in speakers.roles_on(session, lavrov.id, "2013-03")] == [
        "Minister of Foreign Affairs"
    ]

    brief = session.scalars(select(Source).where(Source.url.like("%comiterepubliquecanada.ca%"))).one()
    assert brief.kind is SourceKind.BRIEF
    assert brief.text is not None and "NATO Takes Universal Military Posture" in brief.text
    rows = session.scalars(
        select(Appearance).where(Appearance.source_id == brief.id).order_by(Appearance.id)
    ).all()
    excerpts = [row for row in rows if row.relation is AppearanceRelation.EXCERPT]
    assert len(excerpts) == 3
    assert all(row.quote.speaker is lavrov for row in rows)
    assert {row.attribution for row in excerpts} == {"Russian Foreign Minister Sergey Lavrov"}
    assert "...," in excerpts[0].text and "...." in excerpts[0].text
    for row in excerpts:
        assert row.char_start is not None and brief.text[row.char_start : row.char_end] == row.text

    (headline,) = [row for row in rows if row.relation is AppearanceRelation.HEADLINE]
    assert headline.text == "NATO Takes Universal Military Posture"
    chain = appearances.provenance(session, headline)
    assert [row.id for row in chain.chain] == [headline.id, excerpts[1].id]
    assert "NATO making its military posture universal" in excerpts[1].text
    origin = chain.origin
    assert origin is not None and origin.kind is SourceKind.TRANSCRIPT and origin.is_primary
    assert origin.text is None  # Foreign Policy's transcript is recorded, not held: no invented words
    assert origin.published_on == PartialDate(2013, 4, 29)
    interview = origin.interview
    assert isinstance(interview, Interview)
    assert interview.held_on == PartialDate(2013, 3) and interview.place == "Moscow"
    assert interview.outlet is not None and interview.outlet.name == "Foreign Policy"
    parts = {(part.speaker.name, part.role.name) for part in interview.participants}
    assert parts == {("Sergey Lavrov", "INTERVIEWEE"), ("Susan Glasser", "INTERVIEWER")}
    assert speakers.resolve_speaker(session, "Susan B. Glasser").name == "Susan Glasser"


def test_fictional_story_has_every_relation_and_verdict(session: Session) -> None:
    load_demo(session)
    fictional = select(Source.id).where(Source.url.like("%example.%"))
    relations = set(
        session.scalars(select(Appearance.relation).where(Appearance.source_id.in_(fictional)).distinct())
    )
    assert relations == set(AppearanceRelation)
    checks = session.scalars(select(FactCheck)).all()
    assert {check.verdict for check in checks} == set(Verdict)
    assert all(check.status is FactCheckStatus.PUBLISHED for check in checks)
    for check in checks:
        for evidence in check.evidence:
            assert evidence.source is not None and evidence.source.text is not None
            assert evidence.source.text[evidence.char_start : evidence.char_end] == evidence.passage


def test_fictional_transcript_turns_slice_back_to_the_words(session: Session) -> None:
    load_demo(session)
    transcripts = session.scalars(
        select(Source).where(Source.kind == SourceKind.TRANSCRIPT, Source.text.is_not(None))
    ).all()
    assert len(transcripts) == 2
    for transcript in transcripts:
        turns = session.scalars(
            select(Turn).where(Turn.source_id == transcript.id).order_by(Turn.position)
        ).all()
        assert len(turns) >= 7
        assert transcript.text is not None
        for turn in turns:
            assert (
                transcript.text[turn.char_start - len(turn.label or "") - 2 : turn.char_start]
                == f"{turn.label}: "
            )


def test_copied_chain_leads_back_to_the_transcript(session: Session) -> None:
    load_demo(session)
    longest = max(
        (appearances.provenance(session, row) for row in session.scalars(select(Appearance))),
        key=lambda found: len(found.chain),
    )
    assert len(longest.chain) >= 2
    assert longest.reaches_primary

"""Articles in (`quotecheck.services.articles` and `quotecheck import article`): quotation styles, attribution
forms, headlines, cited primary sources held or not, the quote check stored, the seed brief end to end, and
`--dry-run` writing nothing.

The seed brief is imported into a database holding only seed.json's outlets, speakers and interview (with
its transcript record), not the whole demo: the demo already stores the brief's three passages as quotes, so
checking the brief against it would only find the brief itself. Without them the check reports what is true
here (Foreign Policy's transcript text is not held: NOT_FOUND), and the headline is compared with the passages
the import has just recorded, which is what the headline claims to sum up. A second test loads the whole demo
and imports the brief under another URL, to show the demo's quotes are re-used rather than duplicated.

The other articles (English, French, German, HTML) are written here and are fictional: Port Elwyn, its mayor
Marta Quill and councillor Tomas Brandt do not exist.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from quotecheck.demo import load_demo, load_story
from quotecheck.enums import AppearanceRelation, ParticipantRole, SourceKind, Verdict
from quotecheck.errors import ValidationError
from quotecheck.models import Appearance, Interview, Quote, Source
from quotecheck.services.appearances import provenance
from quotecheck.services.articles import (
    ArticleReport,
    FoundQuote,
    extract_article,
    import_article,
    parse_html,
    read_article,
)
from quotecheck.services.interviews import ParticipantInput, create_interview
from quotecheck.services.outlets import create_outlet
from quotecheck.services.sources import TurnInput, create_transcript
from quotecheck.services.speakers import create_speaker, find_speakers
from tests.conftest import seeding
from tests.counts import table_counts

EXCERPT, VERBATIM, HEADLINE = (
    AppearanceRelation.EXCERPT,
    AppearanceRelation.VERBATIM,
    AppearanceRelation.HEADLINE,
)

ENGLISH = """\
Quill on Harbour Radio: "The harbour will stay open"

Port Elwyn Mayor Martha Quill spoke at length in an interview with Harbour Radio on Monday. The town’s ferry \
has run since the ’90s, and the councillors’ vote is due in June. Some highlights:

“We will keep the harbour open through the winter... and we will pay for the dredging ourselves.

“Nobody in this town should lose a job because of the storms.”

"The council has the money for the repairs," Quill said. She added: "We are not going to wait for the ministry."

According to Quill, 'the ferry will run twice a day from March.'

Councillor Tomas Brandt told the Daily Lantern that the plan was “a promise with no budget behind it”.

“The mayor has not shown us a single invoice,” Brandt said.
"""

FRENCH = """\
Marta Quill dans Le Courrier du Port : « Le port restera ouvert »

La maire de Port Elwyn, Marta Quill, a accordé un long entretien au Courrier du Port en mars. Extraits :

« Nous garderons le port ouvert tout l’hiver [...] et nous paierons nous-mêmes le dragage.

« Personne dans cette ville ne doit perdre son emploi à cause des tempêtes. »

« Le conseil a l’argent pour les réparations », a déclaré Mme Quill. Elle a ajouté : « Nous n’attendrons pas \
le ministère. »

Selon Quill, « le traversier fera deux allers-retours par jour dès le printemps ».

« Le maire n’a montré aucune facture », a affirmé le conseiller Tomas Brandt au Journal de l’Anse.

« Nous voulons voir les chiffres avant le vote », a-t-il ajouté.
"""

GERMAN = """\
Bürgermeisterin Marta Quill sprach am Montag mit Reportern über den Hafen.

„Wir werden den Hafen den ganzen Winter offen halten“, sagte Quill.
"""

PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Quill on Harbour Radio: “The harbour will stay open” | Elwyn Gazette</title>
<meta property="og:title" content="Quill on Harbour Radio: “The harbour will stay open”">
<meta property="article:published_time" content="2024-05-07T08:00:00Z">
<link rel="canonical" href="https://gazette.example/2024/05/07/harbour">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/login">Sign in</a></li></ul></nav>
<div class="share">Share this story on Facebook | Share on Twitter | Email a friend</div>
<main><article>
<h1>Quill on Harbour Radio: “The harbour will stay open”</h1>
<p>Port Elwyn Mayor Marta Quill spoke at length in an interview with Harbour Radio on Monday, as storms kept
the fishing fleet in port for a third week.</p>
<blockquote><p>Nobody in this town should lose a job because of the storms.</p></blockquote>
<p>“The council has the money for the repairs,” Quill said, adding that the dredging would start before the
end of the month.</p>
</article></main>
<aside><h3>Most read</h3><ul><li>Lighthouse to reopen</li><li>Ferry timetable changes</li></ul></aside>
<footer><p>© 2024 Elwyn Gazette. All rights reserved. “Read us every day,” says our editor.</p></footer>
</body></html>
"""


def _brief() -> str:
    return resources.files("quotecheck.demo").joinpath("brief.txt").read_text(encoding="utf-8")


def _seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("quotecheck.demo").joinpath("seed.json").read_text(encoding="utf-8")
    )
    return data


def _seed_passages() -> list[str]:
    """The brief's three passages as the demo records them (by hand)."""
    return [q["text"] for q in _seed()["quotes"] if q["key"].startswith("passage-")]


def _row(q: FoundQuote) -> tuple[Any, ...]:
    return (q.style, q.block, q.relation, q.speaker, q.attribution, q.form, q.via)


# --- extraction (no database) --------------------------------------------------------------------------------------
def test_the_seed_brief_is_read_as_its_headline_and_three_passages() -> None:
    text = _brief()
    found = extract_article(text)
    assert found.title == "Sergey Lavrov in Foreign Policy Magazine: NATO Takes Universal Military Posture"
    headline, *passages = found.quotes
    assert (headline.text, headline.relation, headline.speaker, headline.attribution) == (
        "NATO Takes Universal Military Posture",
        HEADLINE,
        "Sergey Lavrov",
        "Sergey Lavrov in Foreign Policy Magazine",
    )
    assert headline.citation is not None and headline.citation.text == "in Foreign Policy Magazine"
    assert headline.citation.outlet == "Foreign Policy Magazine"
    # the same three passages the demo records by hand, at their places in the text
    assert [q.text for q in passages] == _seed_passages()
    assert all(text[q.start : q.end] == q.text for q in found.quotes)
    for passage in passages:
        assert _row(passage)[1:] == (
            True,
            EXCERPT,
            "Sergey Lavrov",
            "Russian Foreign Minister Sergey Lavrov",
            "introduced",
            "name",
        )
        assert passage.citation is not None
        assert passage.citation.text == (
            "granted a long interview in March with Foreign Policy editor Susan Glasser"
        )
        assert (passage.citation.outlet, passage.citation.person, passage.citation.month) == (
            "Foreign Policy",
            "Susan Glasser",
            3,
        )
    # the site's menus and the section heading hold no quotations
    assert found.unattributed == []
    assert found.speakers == ["Sergey Lavrov"]


def test_an_english_article_every_style_and_form() -> None:
    found = extract_article(ENGLISH)
    assert [_row(q) for q in found.quotes] == [
        ("headline", False, HEADLINE, "Martha Quill", "Quill on Harbour Radio", "headline", "surname"),
        # a run of block quotes after "Some highlights:": the speaker introduced earlier
        ("curly", True, EXCERPT, "Martha Quill", "Port Elwyn Mayor Martha Quill", "introduced", "name"),
        ("curly", True, EXCERPT, "Martha Quill", "Port Elwyn Mayor Martha Quill", "introduced", "name"),
        ("straight", False, VERBATIM, "Martha Quill", "Quill", "verb-after", "surname"),
        ("straight", False, VERBATIM, "Martha Quill", "Quill", "verb-before", "pronoun"),
        ("single", False, VERBATIM, "Martha Quill", "Quill", "according-to", "surname"),
        ("curly", False, VERBATIM, "Tomas Brandt", "Councillor Tomas Brandt", "verb-before", "name"),
        ("curly", False, VERBATIM, "Tomas Brandt", "Brandt", "verb-after", "surname"),
    ]
    assert [q.text for q in found.quotes] == [
        "The harbour will stay open",
        "We will keep the harbour open through the winter... and we will pay for the dredging ourselves.",
        "Nobody in this town should lose a job because of the storms.",
        "The council has the money for the repairs",
        "We are not going to wait for the ministry.",
        "the ferry will run twice a day from March.",
        "a promise with no budget behind it",
        "The mayor has not shown us a single invoice",
    ]
    assert all(ENGLISH[q.start : q.end] == q.text for q in found.quotes)
    # apostrophes ("town’s", "’90s", "councillors’ vote") open no quotation
    assert found.unattributed == []
    cited = [(q.citation.text, q.citation.outlet) if q.citation else None for q in found.quotes]
    assert cited == [
        ("on Harbour Radio", "Harbour Radio"),
        *[("an interview with Harbour Radio on Monday", "Harbour Radio")] * 5,
        ("told the Daily Lantern", "Daily Lantern"),
        ("told the Daily Lantern", "Daily Lantern"),
    ]
    assert found.speakers == ["Martha Quill", "Tomas Brandt"]


def test_a_french_article_every_style_and_form() -> None:
    found = extract_article(FRENCH)
    assert [_row(q) for q in found.quotes] == [
        (
            "headline",
            False,
            HEADLINE,
            "Marta Quill",
            "Marta Quill dans Le Courrier du Port",
            "headline",
            "name",
        ),
        ("guillemets", True, EXCERPT, "Marta Quill", "Marta Quill", "introduced", "name"),
        ("guillemets", True, EXCERPT, "Marta Quill", "Marta Quill", "introduced", "name"),
        ("guillemets", False, VERBATIM, "Marta Quill", "Mme Quill", "verb-after", "surname"),
        ("guillemets", False, VERBATIM, "Marta Quill", "Mme Quill", "verb-before", "pronoun"),
        ("guillemets", False, VERBATIM, "Marta Quill", "Quill", "according-to", "surname"),
        ("guillemets", False, VERBATIM, "Tomas Brandt", "le conseiller Tomas Brandt", "verb-after", "name"),
        (
            "guillemets",
            False,
            VERBATIM,
            "Tomas Brandt",
            "le conseiller Tomas Brandt",
            "verb-after",
            "pronoun",
        ),
    ]
    assert [q.text for q in found.quotes][:3] == [
        "Le port restera ouvert",
        "Nous garderons le port ouvert tout l’hiver [...] et nous paierons nous-mêmes le dragage.",
        "Personne dans cette ville ne doit perdre son emploi à cause des tempêtes.",
    ]
    assert found.quotes[-2].text == "Le maire n’a montré aucune facture"
    citations = {q.citation.text: (q.citation.outlet, q.citation.month) for q in found.quotes if q.citation}
    assert citations == {
        "dans Le Courrier du Port": ("Le Courrier du Port", None),
        "a accordé un long entretien au Courrier du Port en mars": ("Le Courrier du Port", 3),
        "a affirmé le conseiller Tomas Brandt au Journal de l’Anse": ("Le Journal de l’Anse", None),
    }


def test_german_marks() -> None:
    [quote] = extract_article(GERMAN).quotes
    assert _row(quote) == ("german", False, VERBATIM, "Marta Quill", "Quill", "verb-after", "surname")
    assert quote.text == "Wir werden den Hafen den ganzen Winter offen halten"


PIECES = [
    *"\"“”„«»'‘’‚‹›",
    " ",
    "\n",
    "\n\n",
    "\u00a0",
    ",",
    ".",
    ":",
    "...",
    "[…]",
    "said",
    "Quill",
    "Marta Quill",
    "he",
    "the mayor",
    "a déclaré",
    "a-t-il dit",
    "selon",
    "according to",
    "sagte er",
    "We will go",
    "Some highlights:",
    "Quill on Harbour Radio: ",
    "in an interview with Harbour Radio",
    "told the BBC",
    "in March",
    "Mr.",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
# found by hypothesis: a bare headline over a quotation the extractor had already attributed
@example(["according to", "\xa0", "Quill on Harbour Radio: ", '"', "We will go"])
def test_any_text_gives_quotations_that_slice_back_to_it(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = extract_article(text)
    quotations = sorted(found.quotes + found.unattributed, key=lambda q: q.start)
    for quote in quotations:
        assert quote.text.strip() and text[quote.start : quote.end] == quote.text
    for first, second in pairwise(quotations):
        assert first.end <= second.start  # never one inside another
    assert all(text[c.start : c.end] == c.text for c in found.citations)


@pytest.mark.parametrize(
    ("marker", "relation"),
    [
        ("...", EXCERPT),
        ("....", EXCERPT),
        ("…", EXCERPT),
        ("[...]", EXCERPT),
        ("[…]", EXCERPT),
        ("", VERBATIM),
    ],
)
def test_elisions_make_an_excerpt(marker: str, relation: AppearanceRelation) -> None:
    text = f"“We will keep the harbour open {marker} through the winter,” Quill said."
    [quote] = extract_article(text).quotes
    assert quote.relation is relation
    assert quote.speaker == "Quill"


def test_apostrophes_scare_quotes_and_titles_are_not_quotations() -> None:
    text = (
        "The town’s ferry has run since the ’90s. Members’ dues rose, the mayor's plan is 'bold', and the "
        "so-called “reset” failed. The report “Harbour Futures” came out in May; rock’n’roll it isn't."
    )
    found = extract_article(text)
    assert found.quotes == []
    assert found.unattributed == []


def test_a_quotation_nobody_is_named_for_is_left_out() -> None:
    found = extract_article(
        "A sign on the quay read: “Closed until further notice because of the storm damage.”"
    )
    assert found.quotes == []
    assert [q.text for q in found.unattributed] == [
        "Closed until further notice because of the storm damage."
    ]


def test_a_description_and_a_bare_headline() -> None:
    text = (
        "Quill: “We will not close the harbour”\n\n"
        "Port Elwyn Mayor Marta Quill met the fishermen on Monday.\n\n"
        "“We will not close the harbour this winter,” the mayor said."
    )
    headline, body = extract_article(text).quotes
    assert _row(headline) == ("headline", False, HEADLINE, "Marta Quill", "Quill", "headline", "surname")
    assert headline.text == "We will not close the harbour"
    assert _row(body) == (
        "curly",
        False,
        VERBATIM,
        "Marta Quill",
        "Port Elwyn Mayor Marta Quill",
        "verb-after",
        "description",
    )
    # "Analysis:" names nobody the article quotes: not a headline quotation
    assert extract_article("Analysis: why the harbour matters\n\nNothing quoted here.").quotes == []


def test_an_html_page_loses_its_chrome() -> None:
    article = parse_html(PAGE)
    assert article.text == (
        "Quill on Harbour Radio: “The harbour will stay open”\n\n"
        "Port Elwyn Mayor Marta Quill spoke at length in an interview with Harbour Radio on Monday, as storms "
        "kept the fishing fleet in port for a third week.\n\n"
        "Nobody in this town should lose a job because of the storms.\n\n"
        "“The council has the money for the repairs,” Quill said, adding that the dredging would start before "
        "the end of the month."
    )
    assert (article.title, article.url, article.published, article.format) == (
        "Quill on Harbour Radio: “The harbour will stay open”",
        "https://gazette.example/2024/05/07/harbour",
        "2024-05-07",
        "html",
    )
    found = extract_article(article.text, title=article.title, block_quotes=article.block_quotes)
    assert [(q.style, q.relation, q.speaker, q.text) for q in found.quotes] == [
        ("headline", HEADLINE, "Marta Quill", "The harbour will stay open"),
        # a <blockquote> printed without marks is a block quotation all the same
        ("block", VERBATIM, "Marta Quill", "Nobody in this town should lose a job because of the storms."),
        ("curly", VERBATIM, "Marta Quill", "The council has the money for the repairs"),
    ]


def test_reading_files(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert read_article(page).format == "html"
    assert read_article(page, "text").text == PAGE  # --format text reads the markup as it is
    sniffed = tmp_path / "page.txt"
    sniffed.write_text(PAGE, encoding="utf-8")
    assert read_article(sniffed).format == "html"
    plain = tmp_path / "article.txt"
    plain.write_bytes(ENGLISH.replace("\n", "\r\n").encode("utf-8"))
    assert read_article(plain).text == ENGLISH
    # a page in another encoding that says so
    latin = tmp_path / "latin.html"
    latin.write_bytes(
        PAGE.replace("utf-8", "iso-8859-1").replace("“", '"').replace("”", '"').encode("latin-1")
    )
    assert "Quill said" in read_article(latin).text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "{path}: no such file"),
        ("empty.txt", b"  \n\n", "{path} is empty; give a file holding the article's text"),
        (
            "latin1.txt",
            "Café au lait.".encode("latin-1"),
            "{path}: not UTF-8 text (byte 3); save it as UTF-8",
        ),
        (
            "latin1.html",
            "<html><body><p>Café</p></body></html>".encode("latin-1"),
            "{path}: not UTF-8 (byte 18) and no <meta charset> says what it is; save the page as UTF-8, or "
            "add its charset",
        ),
        (
            "klingon.html",
            b'<html><head><meta charset="x-klingon"></head><body>\xff</body></html>',
            "{path}: cannot be decoded as its declared charset 'x-klingon'; save the page as UTF-8",
        ),
        (
            "nothing.html",
            b"<html><body><nav>Home</nav></body></html>",
            "{path}: no article text found in the page; check that it is the article itself (not a consent "
            "or login page), or save its text and import it with --format text",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValidationError) as raised:
        read_article(path)
    assert raised.value.message == message.format(path=path)
    with pytest.raises(ValidationError) as raised:
        read_article(tmp_path)
    assert raised.value.message.startswith(f"{tmp_path}: cannot be read (")


# --- the seed brief, end to end -------------------------------------------------------------------------------------
def _seed_records(session: Session) -> None:
    """seed.json's outlets, speakers and interview (with its transcript record, no text): not the brief."""
    seed = _seed()
    load_story(session, {key: seed[key] for key in ("outlets", "speakers", "interviews")})


def _import_brief(session: Session, **options: Any) -> ArticleReport:
    return import_article(
        session,
        _brief(),
        url="https://comiterepubliquecanada.ca/article3064.html",
        kind="BRIEF",
        language="en",
        **options,
    )


def test_the_seed_brief_end_to_end(session: Session) -> None:
    _seed_records(session)
    [lavrov] = find_speakers(session, "Sergey Lavrov")
    transcript = session.scalars(select(Source).where(Source.kind == SourceKind.TRANSCRIPT)).one()
    report = _import_brief(session)
    assert report.created and not report.dry_run
    assert report.new_speakers == []
    assert report.resolved == {"Sergey Lavrov": "Sergey Lavrov"}

    brief = session.get(Source, report.source_id)
    assert brief is not None
    assert (brief.kind, brief.title, brief.text) == (
        SourceKind.BRIEF,
        "Sergey Lavrov in Foreign Policy Magazine: NATO Takes Universal Military Posture",
        _brief(),
    )
    assert (
        brief.outlet is not None and brief.outlet.name == "comiterepubliquecanada.ca"
    )  # by the URL's domain
    rows = list(
        session.scalars(
            select(Appearance).where(Appearance.source_id == brief.id).order_by(Appearance.char_start)
        )
    )
    headline, *passages = rows
    assert [row.text for row in passages] == _seed_passages()
    for row in passages:
        assert row.relation is EXCERPT
        assert row.quote.speaker_id == lavrov.id
        assert row.attribution == "Russian Foreign Minister Sergey Lavrov"
        assert brief.text is not None and brief.text[row.char_start : row.char_end] == row.text
        # taken from the Foreign Policy interview's transcript, held as a record (its text is not)
        assert row.taken_from_source_id == transcript.id
        assert row.cited_as == "granted a long interview in March with Foreign Policy editor Susan Glasser"
        # the quote belongs to the interview, said in March 2013
        assert row.quote.interview_id == transcript.interview_id
        assert str(row.quote.said_on) == "2013-03"
        # checked, and the result stored: nothing here holds Foreign Policy's text
        assert row.check_verdict is Verdict.NOT_FOUND
        assert row.checked_at is not None and row.check_confidence is not None
        assert row.check_explanation is not None and "not a finding that the quote was fabricated" in (
            row.check_explanation
        )
    # the interview the brief cites: with Susan Glasser, in March
    interview = session.get(Interview, transcript.interview_id)
    assert interview is not None and str(interview.held_on) == "2013-03"
    assert [
        (p.speaker.name, p.role) for p in interview.participants if p.role is ParticipantRole.INTERVIEWER
    ] == [("Susan Glasser", ParticipantRole.INTERVIEWER)]
    lead = report.citations[1]
    assert (lead.held, lead.outlet, lead.interviewer, lead.month, lead.held_on, lead.source_id) == (
        True,
        "Foreign Policy",
        "Susan Glasser",
        3,
        "2013-03",
        transcript.id,
    )
    # the headline: Lavrov's, a paraphrase of the second passage
    assert (headline.text, headline.relation, headline.attribution, headline.cited_as) == (
        "NATO Takes Universal Military Posture",
        HEADLINE,
        "Sergey Lavrov in Foreign Policy Magazine",
        "in Foreign Policy Magazine",
    )
    assert headline.quote.speaker_id == lavrov.id
    assert headline.check_verdict is Verdict.PARAPHRASED
    assert headline.taken_from_appearance_id == passages[1].id
    chain = provenance(session, headline)
    assert [row.id for row in chain.chain] == [headline.id, passages[1].id]
    assert chain.origin.id == transcript.id and chain.reaches_primary
    # the report says the same
    assert [(q.relation, q.speaker, q.verdict) for q in report.quotes] == [
        (HEADLINE, "Sergey Lavrov", Verdict.PARAPHRASED),
        *[(EXCERPT, "Sergey Lavrov", Verdict.NOT_FOUND)] * 3,
    ]
    assert [q.appearance_id for q in report.quotes] == [row.id for row in rows]


def test_the_seed_brief_beside_the_whole_demo(session: Session) -> None:
    """With the demo loaded, the brief under another URL re-uses the demo's quotes (one per speaker and
    words) and finds their words in the demo's copy of the brief."""
    load_demo(session)
    quotes_before = len(list(session.scalars(select(Quote.id))))
    report = import_article(session, _brief(), url="https://mirror.example/lavrov-nato", kind="BRIEF")
    assert len(list(session.scalars(select(Quote.id)))) == quotes_before
    demo_brief = session.scalars(
        select(Source).where(Source.url == "https://comiterepubliquecanada.ca/article3064.html")
    ).one()
    demo_quotes = {row.quote_id for row in demo_brief.appearances}
    assert {q.quote_id for q in report.quotes} == demo_quotes
    assert [q.verdict for q in report.quotes] == [Verdict.PARAPHRASED, *[Verdict.VERBATIM] * 3]
    assert all(demo_brief.title in (q.explanation or "") for q in report.quotes[1:])
    # the same article at the demo's own URL is the demo's brief: nothing changes
    session.flush()
    before = table_counts(session.connection())
    again = _import_brief(session)
    assert (again.created, again.source_id) == (False, demo_brief.id)
    assert table_counts(session.connection()) == before


def test_a_dry_run_writes_nothing_and_reports_the_same(session: Session) -> None:
    _seed_records(session)
    session.flush()
    before = table_counts(session.connection())
    dry = _import_brief(session, dry_run=True)
    session.flush()
    assert table_counts(session.connection()) == before
    assert dry.dry_run and dry.source_id is None
    assert all(q.quote_id is None and q.appearance_id is None for q in dry.quotes)
    real = _import_brief(session)
    assert table_counts(session.connection()) != before

    def shown(report: ArticleReport) -> list[tuple[Any, ...]]:
        return [(q.text, q.relation, q.speaker, q.verdict, q.cited_as, q.taken_from) for q in report.quotes]

    assert shown(dry) == shown(real)
    assert (
        real.quotes[0].taken_from
        == "this article's quotation “Russian military doctrine says that we see a danger not i...”"
    )
    assert dry.citations == real.citations


# --- our own articles -----------------------------------------------------------------------------------------------
class World:
    """Port Elwyn: the mayor's English radio interview and French newspaper interview, both transcribed."""

    def __init__(self, session: Session) -> None:
        self.quill = create_speaker(session, name="Marta Quill", aliases=["Martha Quill"])
        finch = create_speaker(session, name="Ada Finch")
        radio = create_outlet(session, name="Harbour Radio", kind="BROADCASTER")
        courrier = create_outlet(session, name="Le Courrier du Port", kind="NEWSPAPER")
        english = create_interview(
            session,
            title="Marta Quill on Harbour Radio",
            outlet=radio,
            held_on="2024-05-06",
            language="en",
            participants=[
                ParticipantInput(self.quill, "INTERVIEWEE"),
                ParticipantInput(finch, "INTERVIEWER"),
            ],
        )
        self.radio = create_transcript(
            session,
            title="Harbour Radio, Monday morning",
            interview=english,
            outlet=radio,
            published_on="2024-05-06",
            language="en",
            turns=[
                TurnInput(finch, "Mayor, will the harbour close this winter?", "FINCH"),
                TurnInput(
                    self.quill,
                    "We will keep the harbour open through the winter. We have talked to the fishermen and to "
                    "the ferry company, and we will pay for the dredging ourselves. Nobody in this town should "
                    "lose a job because of the storms.",
                    "QUILL",
                ),
                TurnInput(finch, "Can the town afford it?", "FINCH"),
                TurnInput(
                    self.quill,
                    "The council has the money for the repairs. We are not going to wait for the ministry. And "
                    "the ferry will run three times a day from March.",
                    "QUILL",
                ),
            ],
        )
        french = create_interview(
            session,
            title="Entretien avec Marta Quill",
            outlet=courrier,
            held_on="2024-03",
            language="fr",
            participants=[ParticipantInput(self.quill, "INTERVIEWEE")],
        )
        self.courrier = create_transcript(
            session,
            title="Entretien avec Marta Quill, mars 2024",
            interview=french,
            outlet=courrier,
            published_on="2024-03-20",
            language="fr",
            turns=[
                TurnInput(finch, "Le port fermera-t-il cet hiver ?", "LE COURRIER"),
                TurnInput(
                    self.quill,
                    "Nous garderons le port ouvert tout l’hiver. Nous avons parlé aux pêcheurs, et nous "
                    "paierons nous-mêmes le dragage. Personne dans cette ville ne doit perdre son emploi à "
                    "cause des tempêtes.",
                    "QUILL",
                ),
                TurnInput(finch, "La ville en a-t-elle les moyens ?", "LE COURRIER"),
                TurnInput(
                    self.quill,
                    "Le conseil a l’argent pour les réparations. Nous n’attendrons pas le ministère. Le "
                    "traversier fera deux allers-retours par jour dès le printemps.",
                    "QUILL",
                ),
            ],
        )


def _appearances(session: Session, report: ArticleReport) -> list[Appearance]:
    return list(
        session.scalars(
            select(Appearance).where(Appearance.source_id == report.source_id).order_by(Appearance.char_start)
        )
    )


def test_importing_the_english_article(session: Session) -> None:
    world = World(session)
    report = import_article(
        session,
        ENGLISH,
        url="https://elwyn-news.example/harbour",
        outlet="Elwyn News",
        published="2024-05-07",
        language="en",
    )
    # an alias and a surname resolve to the recorded mayor; the councillor is new, and listed
    assert report.resolved == {"Martha Quill": "Marta Quill", "Tomas Brandt": "Tomas Brandt"}
    assert report.new_speakers == ["Tomas Brandt"]
    [brandt] = find_speakers(session, "Tomas Brandt")
    source = session.get(Source, report.source_id)
    assert source is not None and source.outlet is not None and source.outlet.name == "Elwyn News"
    assert str(source.published_on) == "2024-05-07" and source.kind is SourceKind.ARTICLE
    rows = _appearances(session, report)
    assert [
        (row.relation, row.quote.speaker_id, row.check_verdict, row.taken_from_source_id, row.cited_as)
        for row in rows
    ] == [
        (HEADLINE, world.quill.id, Verdict.PARAPHRASED, world.radio.id, "on Harbour Radio"),
        *[
            (relation, world.quill.id, verdict, world.radio.id, "an interview with Harbour Radio on Monday")
            for relation, verdict in [
                (EXCERPT, Verdict.VERBATIM_WITH_ELISIONS),
                (EXCERPT, Verdict.VERBATIM),
                (VERBATIM, Verdict.VERBATIM),
                (VERBATIM, Verdict.VERBATIM),
                (VERBATIM, Verdict.ALTERED),  # "twice" where she said "three times"
            ]
        ],
        # cited but not held: no Daily Lantern here
        (VERBATIM, brandt.id, Verdict.NOT_FOUND, None, "told the Daily Lantern"),
        (VERBATIM, brandt.id, Verdict.NOT_FOUND, None, "told the Daily Lantern"),
    ]
    assert rows[5].check_explanation == (
        "Close to “Harbour Radio, Monday morning”, but the words differ: “twice” instead of “three times”."
    )
    assert [row.attribution for row in rows] == [
        "Quill on Harbour Radio",
        "Port Elwyn Mayor Martha Quill",
        "Port Elwyn Mayor Martha Quill",
        "Quill",
        "Quill",
        "Quill",
        "Councillor Tomas Brandt",
        "Brandt",
    ]
    assert source.text is not None
    assert all(source.text[r.char_start : r.char_end] == r.text for r in rows)
    lantern = report.citations[-1]
    assert (lantern.held, lantern.note) == (False, "no outlet called 'Daily Lantern' is recorded")
    # the quotes held by the radio interview belong to it
    assert {row.quote.interview_id for row in rows[:6]} == {world.radio.interview_id}
    assert {row.quote.interview_id for row in rows[6:]} == {None}


def test_importing_the_french_article(session: Session) -> None:
    world = World(session)
    report = import_article(
        session, FRENCH, url="https://elwyn-news.example/port", published="2024-04-02", language="fr"
    )
    assert report.new_speakers == ["Tomas Brandt"]
    rows = _appearances(session, report)
    assert [(row.relation, row.check_verdict, row.taken_from_source_id) for row in rows] == [
        (HEADLINE, Verdict.ALTERED, world.courrier.id),  # « restera » is not in what she said
        (EXCERPT, Verdict.VERBATIM_WITH_ELISIONS, world.courrier.id),
        (EXCERPT, Verdict.VERBATIM, world.courrier.id),
        (VERBATIM, Verdict.VERBATIM, world.courrier.id),
        (VERBATIM, Verdict.VERBATIM, world.courrier.id),
        (VERBATIM, Verdict.VERBATIM, world.courrier.id),
        (VERBATIM, Verdict.NOT_FOUND, None),
        (VERBATIM, Verdict.NOT_FOUND, None),
    ]
    assert rows[1].cited_as == "a accordé un long entretien au Courrier du Port en mars"
    assert rows[-1].cited_as == "a affirmé le conseiller Tomas Brandt au Journal de l’Anse"
    assert {row.quote.speaker.name for row in rows} == {"Marta Quill", "Tomas Brandt"}
    assert {row.quote.language for row in rows} == {"fr"}


def test_a_cited_interview_of_another_date_or_language(session: Session) -> None:
    world = World(session)
    # "in March", in an article of May 2024: March 2024, the French interview, quoted in English
    translated = import_article(
        session,
        "Mayor Marta Quill told Le Courrier du Port in March: “The ferry will make two return trips a day "
        "from the spring.”",
        published="2024-05-07",
        language="en",
        title="Quill on the ferry",
    )
    [row] = translated.quotes
    assert (row.relation, row.taken_from) == (
        AppearanceRelation.TRANSLATION,
        f"source {world.courrier.id}: Entretien avec Marta Quill, mars 2024",
    )
    # the same words cited from an interview "in March", in an article of January: March of the year
    # before, when no interview is recorded
    early = import_article(
        session,
        "Mayor Marta Quill granted an interview in March with Harbour Radio. “We will keep the harbour open "
        "through the winter,” she said.",
        published="2024-01-15",
        language="en",
        title="Quill, last spring",
    )
    [citation] = early.citations
    assert (citation.held, citation.note) == (
        False,
        "no interview of Marta Quill with Harbour Radio at that date is recorded",
    )
    assert early.quotes[0].taken_from is None and early.quotes[0].cited_as == citation.text


def test_another_spelling_resolves_to_the_recorded_speaker(session: Session) -> None:
    _seed_records(session)
    report = import_article(
        session,
        "« L’OTAN est clairement à la recherche d’une raison d’exister », a déclaré le ministre russe des "
        "Affaires étrangères Sergueï Lavrov.",
        title="Lavrov et l’OTAN",
        language="fr",
    )
    assert report.resolved == {"Sergueï Lavrov": "Sergey Lavrov"}
    assert report.new_speakers == []
    [quote] = report.quotes
    assert quote.attribution == "le ministre russe des Affaires étrangères Sergueï Lavrov"


def test_reimporting_changes_nothing(session: Session) -> None:
    World(session)
    first = import_article(session, ENGLISH, url="https://elwyn-news.example/harbour", published="2024-05-07")
    session.flush()
    before = table_counts(session.connection())
    again = import_article(session, ENGLISH, url="https://elwyn-news.example/harbour", published="2024-05-07")
    assert (again.created, again.source_id, again.quotes) == (False, first.source_id, [])
    assert table_counts(session.connection()) == before


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("   \n", {}, "the article is empty; give a file holding the article's text"),
        (ENGLISH, {"kind": "TRANSCRIPT"}, "an article is not a transcript; import transcripts with "),
        (ENGLISH, {"kind": "NEWS"}, "kind 'NEWS' is not one of TRANSCRIPT, ARTICLE, BRIEF"),
        (ENGLISH, {"url": "ftp://x.org/a"}, "url 'ftp://x.org/a' is not an http(s) URL; give a full address"),
        (ENGLISH, {"published": "2024-13"}, "published: "),
        (ENGLISH, {"language": "English!"}, "language 'English!' is not a language tag"),
    ],
)
def test_bad_input_writes_nothing(session: Session, text: str, options: dict[str, str], message: str) -> None:
    session.flush()
    before = table_counts(session.connection())
    with pytest.raises(ValidationError) as raised:
        import_article(session, text, **options)  # type: ignore[arg-type]
    assert raised.value.message.startswith(message)
    session.flush()
    assert table_counts(session.connection()) == before


# --- the command ----------------------------------------------------------------------------------------------------
def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env["QUOTECHECK_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "quotecheck", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_import_article_command(scratch_engine: Engine, scratch_url: str, tmp_path: Path) -> None:
    with seeding(scratch_engine) as db:
        _seed_records(db)
    path = tmp_path / "brief.txt"
    path.write_text(_brief(), encoding="utf-8")
    command = (
        "import",
        "article",
        str(path),
        "--url",
        "https://comiterepubliquecanada.ca/article3064.html",
        "--kind",
        "BRIEF",
        "--language",
        "en",
    )
    with scratch_engine.connect() as connection:
        before = table_counts(connection)
    dry = run(scratch_url, *command, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0] == (
        f"{path}: dry run, nothing written: BRIEF “Sergey Lavrov in Foreign Policy Magazine: NATO Takes "
        "Universal Military Posture”, 4 quote(s)"
    )
    assert "1. HEADLINE (headline) Sergey Lavrov" in lines
    assert lines.count("   attributed as: Russian Foreign Minister Sergey Lavrov (introduced, name)") == 3
    assert sum(line.startswith("   check: NOT_FOUND (0.3): ") for line in lines) == 3
    assert sum(line.startswith("   check: PARAPHRASED ") for line in lines) == 1
    assert "  Sergey Lavrov -> Sergey Lavrov" in lines
    assert any(
        line.startswith(
            "cited: “granted a long interview in March with Foreign Policy editor Susan Glasser” -> source "
        )
        and line.endswith(
            "(interview “Sergey Lavrov interviewed by Susan B. Glasser for Foreign Policy”, 2013-03)"
        )
        for line in lines
    )
    with scratch_engine.connect() as connection:
        assert table_counts(connection) == before
    real = run(scratch_url, *command)
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines()[0].startswith(f"{path}: imported as source ")
    assert real.stdout.splitlines()[1:] == lines[1:]
    with scratch_engine.connect() as connection:
        after = table_counts(connection)
    assert (after["source"] - before["source"], after["appearance"] - before["appearance"]) == (1, 4)
    again = run(scratch_url, *command)
    assert again.returncode == 0 and again.stdout.endswith("nothing changed\n")
    bad = run(scratch_url, "import", "article", str(tmp_path / "missing.txt"))
    assert (bad.returncode, bad.stderr) == (2, f"error: {tmp_path / 'missing.txt'}: no such file\n")

"""Articles in: the quotations a news article prints, who it gives each to and where it says they came from;
then the article stored as a source with its quotes, appearances and automatic checks.

Two steps, as for transcripts. `extract_article` is text work only (no database): it finds

- quotations in straight or curly double quotes, single quotes that open and close a quotation (never an
  apostrophe), « guillemets », „German“ marks, and block quotes (a paragraph that is wholly a quotation; one
  that opens with a mark and does not close it goes on in the next, so such a run is one quotation);
- who each is attributed to: a verb after it ("..., Lavrov said", "..., a déclaré M. Lavrov", "..., a-t-il
  ajouté") or before it ("Lavrov told the BBC: ..."), "according to"/"selon"/"d'après", a speaker introduced
  earlier ("Russian Foreign Minister Sergey Lavrov granted a long interview ... Some highlights:"), with
  pronouns, surnames and descriptions ("the minister") resolved to a speaker named earlier in the text and the
  attribution kept as written;
- elisions ("...", "....", "…", "[...]") that make a quotation an EXCERPT, a headline "Speaker in Outlet: words"
  (a HEADLINE appearance), and the primary source it cites ("in an interview with Foreign Policy", "told the
  BBC", "dans un entretien accordé au Monde").

Paragraphs are separated by blank lines (a text without any has one paragraph a line); an HTML page is first
reduced to its article by trafilatura, one paragraph per block, its title first.

`import_article` then resolves names to speakers (aliases, surnames and other spellings; the ones nobody
answers to are created and listed), keeps how the article words its source as `citedAs`, and links the cited
interview's transcript as `takenFrom` when the database holds it (outlet, speaker and date agree; a quote
printed in another language than the interview's is a TRANSLATION). Every quote goes through the quote check
and the result is stored on its appearance. Body quotes are checked before the article is written, so it never
confirms itself; a headline is checked after, against what the article itself quotes, which is what a
headline claims to sum up. Bad input is a `ValidationError` saying what to do, raised before anything is
written; `dry_run` does the same work inside a savepoint it rolls back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from quotecheck.db import has_written, restore_written
from quotecheck.enums import AppearanceRelation, SourceKind, SpeakerKind, Verdict
from quotecheck.errors import ValidationError
from quotecheck.models import Appearance, Interview, Outlet, Participant, Source, Speaker, SpeakerAlias
from quotecheck.models.base import utcnow
from quotecheck.names import ROLE_WORDS, read_name
from quotecheck.partial_date import PartialDate
from quotecheck.services import _validate as v
from quotecheck.services import audit
from quotecheck.services.appearances import create_appearance
from quotecheck.services.checks import MAX_QUOTE, CheckRequest, CheckResult, check_quote
from quotecheck.services.outlets import create_outlet, find_outlet
from quotecheck.services.quotes import create_quote, find_quote
from quotecheck.services.sources import create_source, find_source
from quotecheck.services.speakers import create_speaker, find_speakers
from quotecheck.text import name_key

__all__ = [
    "ArticleReport",
    "ArticleText",
    "Citation",
    "CitationReport",
    "Extraction",
    "FoundQuote",
    "QuoteReport",
    "extract_article",
    "import_article",
    "parse_html",
    "read_article",
]

Format = Literal["text", "html"]

# --- vocabulary ----------------------------------------------------------------------------------------------------
_SPACE = " \t\u00a0\u202f\u2009"
# opener -> (closers, style)
_MARKS: dict[str, tuple[str, str]] = {
    '"': ('"”', "straight"),  # printed copies mix the straight and the curly forms
    "“": ('”"', "curly"),
    "„": ("“”", "german"),
    "«": ("»", "guillemets"),
    "‹": ("›", "guillemets"),
    "»": ("«", "guillemets"),  # the German and Danish »reversed« form
    "‘": ("’", "single"),
    "'": ("'", "single"),
    "‚": ("‘’", "single"),
}
_SINGLE = frozenset("‘'‚")
_OPEN_AFTER = frozenset('([{—–-/:;"“«„‘')
_ELISION = re.compile(r"\[\s*(?:\.{3,}|…)\s*\]|\(\s*(?:\.{3,}|…)\s*\)|\.{3,}|…")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

_EN_VERBS = (
    "said|says|told|tells|added|adds|declared|declares|stated|states|wrote|writes|explained|explains|noted|"
    "notes|insisted|insists|argued|argues|warned|warns|claimed|claims|replied|replies|answered|answers|"
    "recalled|recalls|continued|continues|concluded|concludes|remarked|observed|acknowledged|admitted|"
    "announced|suggested|stressed|emphasi[sz]ed|asked|asks|went on|tweeted|conceded|maintained|affirmed|"
    "responded|responds|retorted|countered|cautioned|predicted|predicts|quipped|joked|jokes|complained|"
    "complains|boasted|lamented|urged|urges|mused|agreed|agrees|contended|charged|alleged|promised|vowed|"
    "pledged|reported|reports|shouted|yelled|screamed|chanted|recounted|testified|wondered|thundered|"
    "scoffed|snapped|fumed|opined|posted|emailed|e-mailed|texted|retaliated|reiterated|elaborated|"
    "pointed out|points out|began|begins|offered|interjected|interrupted|cracked|pleaded|"
    "predicted|proclaimed|protested|railed|raged|marveled|marvelled|mocked|sniped|griped|huffed|hinted|"
    "counseled|advised|ventured|exclaimed|whispered|sighed|laughed|confided|confirmed|denied|acknowledges|"
    "admits|concedes|explained|recalls|adds|insists|asserted|asserts|shot back|fired back|demanded|beamed|"
    "gushed|crowed|deadpanned|wrote in|continued|summed up|put it|recalled|objected|counters|notes|writes|"
    "tells|argues|warns|stresses|explains|describes|described|called|calls|say|pressed|accused|criticized|"
    "criticised|blasted|attacked|dismissed|rejected|blamed|questioned|praised|defended|denounced|decried|"
    "slammed|slams|mentioned|revealed|indicated|assured|expressed|repeated|summarized|summarised|started|"
    "barked|cried|roared|sneered|teased|raved|ranted|vented|echoed|chimed in|piped up|intoned|hit back|"
    "shot back|responded|quipped|jabbed|needled|scolded|ordered|pleaded|begged|acknowledged|confessed|"
    "remembered|reacted|reads"
)
_ES_VERBS = (
    "dijo|dice|afirmó|afirma|declaró|declara|señaló|señala|explicó|explica|añadió|añade|aseguró|asegura|"
    "indicó|indica|advirtió|advierte|sostuvo|sostiene|agregó|agrega|manifestó|comentó|destacó|subrayó|"
    "insistió|preguntó|respondió|escribió|escribe|denunció|reconoció|criticó|apuntó|recordó|concluyó"
)
_FR_PAST = (
    "dit|déclaré|affirmé|ajouté|expliqué|estimé|souligné|indiqué|précisé|lancé|assuré|martelé|répondu|écrit|"
    "confié|reconnu|averti|insisté|rappelé|poursuivi|conclu|annoncé|jugé|dénoncé|regretté|observé|noté|"
    "tranché|résumé|prévenu|confirmé"
)
_FR_PRESENT = (
    "dit|déclare|affirme|ajoute|explique|estime|souligne|indique|précise|lance|assure|martèle|répond|écrit|"
    "confie|reconnaît|rappelle|poursuit|conclut|note|juge|insiste|observe|résume|tranche|prévient|confirme"
)
_DE_VERBS = (
    "sagte|sagt|erklärte|erklärt|betonte|betont|schrieb|schreibt|meinte|meint|warnte|warnt|kritisierte|"
    "kritisiert|forderte|fordert|bekräftigte|ergänzte|ergänzt|fügte\\s+hinzu|räumte\\s+ein|versicherte|"
    "unterstrich|mahnte|erklärte|sagten|betonten"
)
_VERB = (
    rf"(?:(?:has\s+|had\s+)?(?:{_EN_VERBS})|(?:a|avait|aurait|ont)\s+(?:{_FR_PAST})|(?:{_FR_PRESENT})"
    rf"|(?:{_DE_VERBS})|(?:{_ES_VERBS}))"
)
# "a-t-il ajouté", "ajoute-t-elle", "dit-il", "sagte er": the speaker is the pronoun after the verb.
_INVERTED = (
    rf"(?:(?:a|avait)-t-(?:il|elle|on)\s+(?:{_FR_PAST})|(?:{_FR_PRESENT})(?:-t)?-(?:il|elle|ils|elles)"
    rf"|(?:{_DE_VERBS})\s+(?:er|sie)(?:\s+hinzu)?)"
)
_ACCORDING = r"(?:according\s+to|selon|d['’]après|laut|según|de\s+acuerdo\s+con)"
_INTRO_VERBS = (
    rf"(?:{_VERB}|granted|grants|gave|gives|spoke|speaks|sat\s+down|sat|talked|talks|responded|addressed|"
    r"a\s+accordé|a\s+donné|a\s+parlé|a\s+répondu|s['’]est\s+exprimée?|s['’]est\s+confiée?|gab|sprach)"
)

_AFTER_VERB_FIRST = re.compile(rf"^(?i:(?P<verb>{_VERB}|{_ACCORDING}))\s+(?P<who>.+)$", re.S)
_AFTER_INVERTED = re.compile(rf"^(?i:{_INVERTED})\b")
_AFTER_WHO_FIRST = re.compile(rf"^(?P<who>[^,;:]{{1,120}}?)\s+(?i:(?P<verb>{_VERB}))\b(?P<rest>.*)$", re.S)
# two or three capitalised words, with a title before them: a person mentioned in passing
_MENTION = re.compile(
    r"(?:\b[A-Z][\w.]*\.?\s+)?\b[A-ZÀ-ÖØ-Þ][a-zà-ÿ’'-]+(?:\s+[A-Z]\.)?(?:\s+[A-ZÀ-ÖØ-Þ][a-zà-ÿ’'-]+){1,2}\b"
)
_CUE_VERB = re.compile(rf"(?<![\w’'-])(?i:{_VERB})\b")
# a cue set between commas inside the sentence: "Alden, Ferreira said, had been …"
_ASIDE = re.compile(rf",\s+(?P<who>[A-ZÀ-ÖØ-Þ][^,;:]{{0,60}}?)\s+(?i:{_VERB}),\s", re.S)
_END_VERB_FIRST = re.compile(rf",\s+(?i:{_VERB})\s+(?P<who>[^;:]{{1,160}}?)[.!?…]*$", re.S)
_END_WHO_FIRST = re.compile(
    rf",\s+(?P<who>[^,;:]{{1,80}}?)\s+(?i:{_VERB})\b(?P<rest>[^,;:]{{0,60}})[.!?…]*$", re.S
)
# the German "…", so Müller: "so" then a name
_AFTER_SO = re.compile(r"^(?P<verb>so)\s+(?P<who>[A-ZÄÖÜ].+)$", re.S)
_AFTER_APPOSITIVE = re.compile(
    rf"^(?P<who>[^,;:]{{1,80}}?),\s+(?P<apposition>[^;:]{{1,240}}?),\s+(?i:(?P<verb>{_VERB}))\b", re.S
)
_BEFORE_ACCORDING = re.compile(rf"(?:^|[,;]\s*)(?i:{_ACCORDING})\s+(?P<who>[^,;:]{{1,120}}?)$", re.S)
# A sentence that opens on a full name and goes on in lower case ("Mayor Marta Quill met the fishermen").
_SUBJECT = re.compile(r"^(?P<who>(?:[A-ZÀ-ÖØ-Þ][\w’'.-]*\s+){1,6}[A-ZÀ-ÖØ-Þ][\w’'.-]*),?\s+(?=[a-zà-ÿ])")
_INTRO = re.compile(rf"(?:^|,\s+)(?P<who>[^,;:]{{1,120}}?),?\s+(?i:{_INTRO_VERBS})\b", re.S)
# Where the phrase naming the speaker ends: at a clause mark, or where a circumstance starts.
_WHO_END = re.compile(
    r"[,;:.!?()\[\]]|\s(?:in|on|at|during|to|from|before|after|when|while|who|with|as|dans|lors|au|aux|à|en|"
    r"sur|avant|après|qui|devant|vor|im|am|bei|nach|the\s+day|last|this)\s",
)
# a clause that opens inside a sentence on a conjunction, its subject a name: "… so heated that Jo Alden"
_TRAILING_SUBJECT = re.compile(
    r"\s(?:that|when|as|while|because|after|before|until|once|where|since|although|though)\s+"
    r"(?P<who>(?:[A-ZÀ-ÖØ-Þ][\w’'.-]*\s+){0,5}[A-ZÀ-ÖØ-Þ][\w’'.-]*)\s*$"
)
# words that open a new clause after a quotation: a cue in it is that clause's own
_NEW_CLAUSE = re.compile(
    r"(?i:and|but|while|whereas|until|when|after|before|because|if|since|unless|although|though|et|mais|"
    r"und|aber|y|pero)\s"
)
_THAT = re.compile(r"\s+(?:that|que|qu['’]|dass)$", re.I)

_PRONOUNS = frozenset(["he", "she", "they", "il", "elle", "ils", "elles", "er", "sie", "él", "ella"])
_PRONOUN_GENDER = {"he": "male", "she": "female", "il": "male", "elle": "female", "er": "male"}
_PRONOUN_GENDER |= {"él": "male", "ella": "female", "sie:female": "female"}
_ARTICLES = frozenset(
    ["the", "le", "la", "les", "l’", "l'", "der", "die", "das", "this", "ce", "cette", "el", "los", "las"]
)
# Words that stand before a name without being part of it: titles, offices, nationalities.


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(name_key(word) for word in words.split())


_TITLES = _vocabulary(
    "Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. M. Mme Mme. Mlle Sir Dame Lord Lady Herr Frau Prof Prof. Professor "
    "President Président Présidente Vice Prime Premier Première Minister Ministre Chancellor Chancelier "
    "Chancelière Kanzlerin Kanzler Bundeskanzlerin Bundeskanzler Präsident Außenminister Secretary "
    "Secrétaire General Général Gen. Senator Sen. Sénateur Sénatrice Rep. Representative Congressman "
    "Congresswoman Governor Gov. Mayor Maire Ambassador Ambassadeur Ambassadrice Director Directeur "
    "Directrice Editor Chief Deputy Député Députée Spokesman Spokeswoman Spokesperson Porte-parole "
    "Chairman Chairwoman Chair CEO King Queen Prince Princess Pope Judge Justice Commissioner Admiral "
    "Colonel Col. Captain Capt. Lt. Sgt. Rev. Father Saint St. Foreign Defence Defense Interior Finance "
    "State Affairs Former Acting Interim Then Russian American French German British Canadian Chinese "
    "Ukrainian Israeli Iranian Syrian Turkish Italian Spanish Japanese Indian Polish Dutch Belgian Swiss "
    "Austrian Swedish Norwegian Danish Finnish Greek Brazilian Mexican Australian European Québécois "
    "Quebec US U.S. UK U.K. EU UN NATO Kremlin Elysée Élysée Pentagon Councillor Councilor Conseiller "
    "Conseillère Bürgermeister Bürgermeisterin Maire Mairesse Republican Republicans Democratic Democrat "
    "GOP Conservative Liberal Labour Socialist Green Libertarian Independent Presidential Party "
    "Presidenta Presidente Senadora Senador Ministra Ministro Alcaldesa Alcalde Diputada Diputado "
    "Portavoz Señor Señora Sr. Sra. Don Doña Concejal Concejala Stadträtin Stadtrat Abgeordnete "
    "Abgeordneter Ministerin Minister Sprecherin Sprecher"
)
# Capitalised words that start sentences or clauses and are never part of a name.
_STOP = _vocabulary(
    "The A An And But Or So Yet Still Then Also However When While After Before Later Asked Speaking "
    "In On At For During From With Without As To By Of Some Many Most This That These Those It Its We "
    "They He She I You His Her Their Our My Le La Les L Un Une Des Du De Et Mais Ou Donc Puis Ainsi "
    "Alors Lors Dans En Sur Pour Avec Selon Il Elle Ils Elles Nous On Ce Cette Ces Der Die Das Ein Eine "
    "Und Aber Dann Auch Im Am Er Sie Es Wir According Monday Tuesday Wednesday Thursday Friday Saturday "
    "Sunday Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche If Both Under Shortly Since Because "
    "Although Though Even Just Only Not No Yes Now Here There What Who Why How Where Which Is Are Was Were "
    "Would Can Could Should Do Does Did Has Have Had Each Every All Any Other Another Such Despite "
    "Among Until Unlike Like Once Over Through Against Within Following Instead Meanwhile Indeed Earlier "
    "Last Next Today Yesterday Tomorrow Tonight Watch Read Follow Click Photo Update Updated El Los Las "
    "Una Pero Según Laut Nach Als Wenn Cuando Mientras One Two Three Four Five Six Seven Eight Nine Ten "
    "Moreover Meantime Amid Between Furthermore Similarly Likewise Overall Still Perhaps Asked Speaking "
    "Reached Contacted Writing Citing Referring Responding Pressed Told Addressing Across Along Around "
    "Behind Beyond Inside Outside Near Toward Towards Upon Via Per Throughout Whether Beside Off Out Up "
    "Down Into Onto United Nuclear Specifically Preceded"
)
_PARTICLES = _vocabulary("de da del della di van von der den le la du al bin ibn ben y zu dos das ter")
_OUTLET_TAIL = re.compile(r"\s+(?:magazine|newspaper|daily|online|radio|tv|television|website)$", re.I)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january janvier januar jan",
        "february février februar feb fév",
        "march mars märz mar",
        "april avril apr avr",
        "may mai",
        "june juin juni jun",
        "july juillet juli jul",
        "august août aug",
        "september septembre sept sep",
        "october octobre oktober oct okt",
        "november novembre nov",
        "december décembre dezember dec déc dez",
    ),
    1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))


def _date(n: int) -> str:
    """A month or year as articles give it ("in March", "en mars 2013", "in 2013"), its groups numbered."""
    return (
        rf"(?:(?:in|on|last|early|late|mid|en|au\s+mois\s+de|début|fin|im)\s+(?i:(?P<month{n}>{_MONTH}))\.?"
        rf"(?:\s+(?P<year{n}>\d{{4}}))?|(?:in|en|im)\s+(?P<year_only{n}>\d{{4}}))"
    )


_NAME_WORD = r"(?:[A-ZÀ-ÖØ-ÞĀ-ŽА-Я][\w&’'.-]*|\d+)"
_OUTLET = (
    rf"(?P<outlet>{_NAME_WORD}(?:(?:\s+(?:of|for|de|du|des|and|&|und|de\s+la)\s+|\s+de\s+l['’]|\s+)"
    rf"{_NAME_WORD}){{0,5}})"
)
_PERSON = rf"(?P<person>{_NAME_WORD}(?:\s+(?:{'|'.join(sorted(_PARTICLES))}\s+)?{_NAME_WORD}){{0,3}})"
_CITATIONS = [
    # "granted a long interview in March with Foreign Policy editor Susan Glasser", "in an interview with the
    # BBC", "dans un entretien accordé au Monde"
    re.compile(
        r"(?:(?i:granted|gave|accorded|sat\s+(?:down\s+)?for|did|a\s+accordé|a\s+donné)\s+)?"
        r"(?i:an?|the|his|her|their|un|une|l['’])\s+(?:[\w-]+\s+){0,3}?"
        r"(?i:interview|conversation|podcast|op-ed|entretien|entrevue|Interview)"
        rf"(?:\s+(?i:accordée?|exclusive?|exclusif))?(?:\s+{_date(1)})?"
        r"\s+(?P<prep>(?i:with|to|on|for|in|à|au|aux|avec|mit))\s+(?:(?i:the|la|le|les|der|dem)\s+|l['’])?"
        rf"{_OUTLET}(?:['’]s?)?(?:\s+(?P<role>(?:[a-z][\w-]*\s+){{1,4}}){_PERSON})?(?:\s+{_date(2)})?"
    ),
    # "told the BBC", "speaking to Foreign Policy"
    re.compile(
        r"(?i:told|tells|telling|speaking\s+(?:to|with)|talking\s+to|in\s+remarks\s+to)\s+(?:the\s+)?"
        rf"{_OUTLET}"
    ),
    # "a déclaré au Monde", "a-t-il confié à France Inter", "au micro de RTL"
    re.compile(
        rf"(?:(?:a|avait)(?:-t-(?:il|elle))?\s+(?:{_FR_PAST})|(?:{_FR_PRESENT})(?:-t-(?:il|elle))?|au\s+micro\s+de"
        r"|sur\s+les\s+ondes\s+de)\s+(?P<prep>au|aux|à\s+la|à\s+l['’]|à|de)\s*(?P<article>)"
        rf"{_OUTLET}"
    ),
]
# "..., said Quill to Harbour Radio", "..., a affirmé Tomas Brandt au Journal de l’Anse"
_TOLD_AFTER = re.compile(
    rf"(?i:{_VERB})\s+[^,;:]{{1,80}}?\s(?P<prep>au|aux|à\s+la|à\s+l['’]|à|to)\s+(?:the\s+)?{_OUTLET}"
)
_HEADLINE = re.compile(
    r"^(?P<who>[^:]{2,80}?)\s+(?P<prep>in|on|to|at|with|for|dans|à|au|sur|im|gegenüber)\s+"
    r"(?P<outlet>[^:]{2,80}?)\s*:\s*(?P<words>\S.*)$",
    re.S,
)
_HEADLINE_BARE = re.compile(r"^(?P<who>[^:]{2,60}?)\s*:\s*(?P<words>\S.*)$", re.S)
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|M|Mme|St|Gen|Sen|Rep|Gov|Prof|Lt|Col|Capt|Sgt|Rev|Jr|Sr|No|vs|etc)|\b[A-Z]|"
    r"\b(?:U\.S|U\.K|U\.N|E\.U))$"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”»’']?\s+")

HEADLINE_PARAGRAPHS = 6  # where a headline may stand: among the first paragraphs
HEADLINE_LENGTH = 200
MIN_WORDS = 3  # shorter quoted stretches are terms, titles or scare quotes
CONTEXT_MIN_WORDS = 6  # an unattributed quotation inside a paragraph goes to the speaker in context from here


# --- the extraction ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Citation:
    """A primary source the article names for its quotes: "in an interview with Foreign Policy"."""

    text: str  # as written
    start: int
    end: int
    outlet: str  # the outlet as named ("Foreign Policy", "Le Monde")
    person: str | None = None  # the interviewer, when named
    month: int | None = None
    year: int | None = None
    speaker: str | None = None  # whose words it is cited for


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """One quotation in the article: its words as printed (marks left out) and who it is given to."""

    text: str
    start: int  # offsets into the article's text
    end: int
    style: str  # straight, curly, single, guillemets, german, block, headline
    block: bool  # a paragraph that is wholly a quotation
    relation: AppearanceRelation  # EXCERPT (elisions), VERBATIM, or HEADLINE
    speaker: str | None  # the name the article gives, surnames and pronouns resolved within the text
    attribution: str | None  # as written: "Russian Foreign Minister Sergey Lavrov"
    form: (
        str | None
    )  # where the attribution is: verb-after, verb-before, according-to, introduced, chain, ...
    via: str | None  # how the name was found: name, surname, pronoun, description
    citation: Citation | None = None
    speaker_kind: SpeakerKind = SpeakerKind.PERSON  # an ORGANIZATION: "The Harbour Gazette reports"
    anonymous: bool = False  # a speaker the article describes without naming ("said a Nevada Democrat")


@dataclass(slots=True)
class Extraction:
    text: str
    title: str | None
    quotes: list[FoundQuote]  # attributed ones, in text order (a headline first)
    unattributed: list[FoundQuote]  # quotations no speaker could be given to
    citations: list[Citation]
    speakers: list[str]  # names given to quotes, in order of first use


@dataclass(slots=True)
class _Raw:
    open: int  # the opening mark (or the paragraph start of an unmarked block quote)
    close: int | None  # the closing mark, None when the quotation runs to the paragraph's end
    start: int  # the words
    end: int
    style: str
    block: bool
    paragraph: int
    chain: int = -1
    # filled by the attribution pass
    speaker: str | None = None
    attribution: str | None = None
    form: str | None = None
    via: str | None = None
    citation: Citation | None = None
    context: tuple[str, str] | None = None  # (name, attribution) in context where it stands
    after_colon: bool = False
    organization: bool = False
    keep: bool = True  # False: a stretch too short to be a quotation, read only for its attribution


@dataclass(slots=True)
class _Who:
    kind: Literal["name", "pronoun", "description"]
    phrase: str
    name: str | None = None
    head: str | None = None
    organization: bool = False
    anonymous: bool = False  # "a Nevada Democrat", "one adviser": somebody the article does not name


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs are separated by blank lines; a text without any is one paragraph a line."""
    splitter = re.compile(r"\n[ \t\u00a0]*\n") if re.search(r"\n[ \t\u00a0]*\n", text) else re.compile(r"\n")
    spans = []
    position = 0
    for piece in [*splitter.finditer(text), None]:
        end = piece.start() if piece is not None else len(text)
        start = position
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            spans.append((start, stop))
        position = piece.end() if piece is not None else len(text)
    return spans


def _can_open(text: str, i: int, start: int) -> bool:
    mark = text[i]
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < len(text) else ""
    if not after or after == "\n":
        return False
    opens_here = before.isspace() or before in _OPEN_AFTER or i == start
    if mark in _SINGLE:  # an opening single mark stands before a letter: never "’90s" or "d’être"
        return opens_here and after.isalpha()
    if mark == "»":
        return opens_here and after.isalpha()
    if mark in "«‹":
        return not before.isalnum()
    return opens_here and not after.isspace()


def _find_close(text: str, i: int, end: int) -> int | None:
    closers, style = _MARKS[text[i]]
    j = i + 1
    while j < end:
        if text[j] in closers:
            if style != "single":
                return j
            after = text[j + 1] if j + 1 < end else ""
            before = text[j - 1]
            # an apostrophe inside a word ("That’s") or before one ("members’ obligations") does not close
            if not (after.isalnum() or before.isspace() or _possessive(text, j, end)):
                return j
        j += 1
    return None


def _possessive(text: str, j: int, end: int) -> bool:
    """A plural possessive ("members’ obligations"): an "s", the mark, a space, then a lower-case word that
    does not start an attribution."""
    if text[j - 1] not in "sS" or j + 2 >= end or text[j + 1] != " ":
        return False
    word = re.match(r"[^\W\d_]+", text[j + 2 : end])
    if word is None or not word.group().islower():
        return False
    return re.match(rf"(?i:{_VERB}|{_ACCORDING}|{_INVERTED})\b", text[j + 2 : end]) is None and (
        word.group() not in _PRONOUNS
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _SPACE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _SPACE + ",;:"):
        end -= 1
    return start, end


def _word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def _scan(text: str, paragraph: int, start: int, end: int, *, block: bool) -> list[_Raw]:
    """The top-level quotations of one paragraph (quotations inside quotations belong to their host)."""
    found: list[_Raw] = []
    i = start
    while i < end:
        mark = text[i]
        if mark == "'" and text.startswith("''", i):
            # ''doubled apostrophes'' are the double marks of some wire copy; a single mark next to them is
            # a quotation inside that quotation, which belongs to its host
            while i < end and text[i] == "'":
                i += 1
            continue
        if mark in _MARKS and _can_open(text, i, start):
            close = _find_close(text, i, end)
            if close is None and (mark in _SINGLE or mark == "»"):
                i += 1
                continue
            if mark == "'" and close is not None and text.startswith("''", close):
                i = close + 1  # a quotation inside one printed in doubled apostrophes belongs to its host
                continue
            stop = close if close is not None else end
            words_from, words_to = _trim(text, i + 1, stop)
            style = _MARKS[mark][1]
            rest = text[stop + 1 : end] if close is not None else ""
            whole = i == start and not _WORDS.search(rest)
            if words_to > words_from and (_word_count(text[words_from:words_to]) >= MIN_WORDS or whole):
                found.append(_Raw(i, close, words_from, words_to, style, whole, paragraph))
            elif words_to > words_from and close is not None:
                # too short to record (“No,” she said), but its attribution still says who is talking
                found.append(_Raw(i, close, words_from, words_to, style, False, paragraph, keep=False))
            i = stop + 1
            continue
        i += 1
    if not found and block:  # a <blockquote> printed without marks
        found.append(_Raw(start, None, start, end, "block", True, paragraph))
    return found


def _cuts(segment: str) -> list[re.Match[str]]:
    """Where sentences end in `segment`: not after an abbreviation ("Mr.") or an initial ("Susan B.")."""
    return [
        cut
        for cut in _SENTENCE_END.finditer(segment)
        if not (cut.group().startswith(".") and _ABBREVIATION.search(segment[: cut.start()]))
    ]


def _sentence_tail(segment: str) -> int:
    """Where the last sentence of `segment` starts."""
    cuts = _cuts(segment)
    return cuts[-1].end() if cuts else 0


def _sentence_head(segment: str) -> int:
    """Where the first sentence of `segment` ends."""
    cuts = _cuts(segment)
    return cuts[0].start() if cuts else len(segment)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    bounds = [start, *(start + cut.end() for cut in _cuts(text[start:end])), end]
    return [(a, b) for a, b in pairwise(bounds) if b > a]


_PARTY_TAG = re.compile(r"^\(?[RDI]-[A-Z][A-Za-z.]{1,12}\)?$")  # "R-IN", "D-Wis", "(D-Calif.)"


def _tokens(phrase: str) -> list[str]:
    tokens = (token.strip(',;:!?()[]"“”«»„') for token in phrase.split() if not _PARTY_TAG.match(token))
    return [token for token in tokens if token]


# US state and territory codes, as datelines and party tags print them ("Berea, OH", "(R-OH)")
_STATE_CODES = frozenset(
    [
        "AK",
        "AL",
        "AR",
        "AZ",
        "CA",
        "CO",
        "CT",
        "DC",
        "DE",
        "FL",
        "GA",
        "HI",
        "IA",
        "ID",
        "IL",
        "IN",
        "KS",
        "KY",
        "LA",
        "MA",
        "MD",
        "ME",
        "MI",
        "MN",
        "MO",
        "MS",
        "MT",
        "NC",
        "ND",
        "NE",
        "NH",
        "NJ",
        "NM",
        "NV",
        "NY",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VA",
        "VT",
        "WA",
        "WI",
        "WV",
        "WY",
        "PR",
        "GU",
    ]
)


def _is_name_word(token: str) -> bool:
    core = token.removesuffix("’s").removesuffix("'s")
    if not core or not core[0].isupper() or name_key(core) in _STOP or core in _STATE_CODES:
        return False
    return any(ch.isalpha() for ch in core)


def _name_in(phrase: str) -> str | None:
    """The person's name a phrase ends with, titles and offices before it left out."""
    tokens = _tokens(phrase)
    runs: list[list[str]] = []
    current: list[str] = []
    joined_by: list[str] = []  # the word before each run
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if _is_name_word(token):
            if not current:
                joined_by.append(tokens[index - 1].casefold() if index else "")
            current.append(token.removesuffix("’s").removesuffix("'s"))
        elif current and token in _PARTICLES and _is_name_word(following):
            current.append(token)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    if not runs:
        return None
    # "Rep. Jo Alden of Ohio", "Ines Varga from Port Elwyn": the place after a person's name is not theirs
    while len(runs) > 1 and joined_by[len(runs) - 1] in ("of", "for", "from", "in", "at", "de", "aus", "von"):
        if not any(name_key(token) not in _TITLES for token in runs[-2]):
            break
        runs.pop()
    run = runs[-1]
    titled = [index for index, token in enumerate(run) if name_key(token) in _TITLES]
    if titled:
        run = run[titled[-1] + 1 :]
    while run and run[0] in _PARTICLES:
        run = run[1:]
    if not run:
        return None
    if len(run) > 3:
        keep = 3 if run[-2] in _PARTICLES or re.fullmatch(r"[A-Z]\.", run[-2]) else 2
        run = run[-keep:]
    if re.fullmatch(r"[A-Z]\.", run[-1]):
        return None
    return _person_name(" ".join(run).rstrip("."))


@lru_cache(maxsize=4096)
def _gender_of(attribution: str) -> str | None:
    """The gender a title or role in an attribution shows ("Mrs", "la présidente", "Bürgermeisterin")."""
    return read_name(attribution).gender


@lru_cache(maxsize=4096)
def _person_name(written: str) -> str:
    """The name without the titles, roles and party tags quotecheck.names recognises ("Capt. Ines Varga")."""
    reading = read_name(written)
    if reading.name and (reading.titles or reading.party) and not reading.generic:
        return reading.name
    return written


# Words that head the name of a body that speaks: "The Harbour Gazette reports", "a Quill campaign
# statement said", "le ministère de l’Intérieur a indiqué", "die Stadtverwaltung erklärte".
_ORGANIZATION_WORDS = _vocabulary(
    "campaign campaigns committee department ministry party agency commission council court institute "
    "foundation association union company corporation corp inc bank university network newspaper magazine "
    "post times journal news tribune herald gazette press reuters cnn nbc abc cbs msnbc bbc npr afp ap "
    "politico administration government office police board group organization organisation coalition "
    "center centre fund pac service bureau agency authority federation league alliance network "
    "ministère parti gouvernement mairie conseil syndicat commission comité préfecture entreprise "
    "ministerium partei regierung stadtverwaltung verband gewerkschaft kommission zeitung behörde "
    "ministerio partido gobierno ayuntamiento sindicato comisión consejo asociación empresa periódico"
)
_ORGANIZATION_LINK = _vocabulary("of for de du des d’ d' der für del")


def _organization_in(phrase: str) -> str | None:
    """The body a phrase names as the speaker, when its head word is an organisation's ("The Harbour
    Gazette", "the Quill campaign", "le ministère de l’Intérieur"); None for a person ("Gazette editor
    Ines Varga") or a body nobody names ("the campaign")."""
    tokens = [token.removesuffix("’s").removesuffix("'s") for token in _tokens(phrase)]
    heads = [i for i, token in enumerate(tokens) if name_key(token) in _ORGANIZATION_WORDS]
    if not heads:
        return None
    head = heads[-1]
    end = head + 1
    # a complement: "Department of Justice", "ministère de l’Intérieur"
    while (
        end + 1 < len(tokens)
        and name_key(tokens[end]) in _ORGANIZATION_LINK
        and re.sub(r"^[ld][’']", "", tokens[end + 1])[:1].isupper()
    ):
        end += 2
        while end < len(tokens) and tokens[end][:1].isupper():
            end += 1
    if end < len(tokens) and any(_is_name_word(token) for token in tokens[end:]):
        return None  # a person after the body: "Gazette editor Ines Varga"
    start = head
    while start > 0 and (_is_name_word(tokens[start - 1]) or tokens[start - 1] in ("&", "and")):
        start -= 1
    named = tokens[start:end]
    alone = len(named) == 1 and not named[0].isupper() and not (named[0][:1].isupper() and start == 0)
    if alone or not any(token[:1].isupper() for token in named):
        return None  # "the campaign", "the Post" (a description, resolved elsewhere)
    return " ".join(named).strip(".,") or None


_MEMBER_OF = re.compile(
    r"^(?P<person>(?:[A-ZÀ-ÖØ-Þ][\w’'.-]*\s+){1,4}[A-ZÀ-ÖØ-Þ][\w’'.-]*)\s+(?:of|at|from|with|de|du|von|vom|del)\s"
)
_INDEFINITE = frozenset(["a", "an", "one", "another", "un", "une", "ein", "eine", "einer", "uno", "una"])


def _who(phrase: str) -> _Who | None:
    phrase = phrase.strip(_SPACE + ",;:–—-\n")
    phrase = re.sub(r"^(?i:and|et|und)\s+", "", phrase)
    words = phrase.split()
    if not words or len(words) > 12:
        return None
    low = phrase.casefold()
    if low in _PRONOUNS:
        return _Who("pronoun", phrase)
    member = _MEMBER_OF.match(phrase)
    if member is not None and _organization_in(member["person"]) is None:
        # "Ines Varga of the Harbour Institute": the person, not the body she speaks from
        person = _name_in(member["person"])
        if person is not None and " " in person:
            return _Who("name", phrase, name=person)
    organization = _organization_in(phrase)
    if organization is not None:
        return _Who("name", phrase, name=organization, organization=True)
    name = _name_in(phrase)
    if name is not None:
        return _Who("name", phrase, name=name)
    first = words[0].casefold()
    if first in _ARTICLES or first.startswith(("l’", "l'")):
        return _Who("description", phrase, head=words[-1].casefold().strip(".,"))
    if first in _INDEFINITE and 1 < len(words) <= 8 and all(not w[:1].isdigit() for w in words):
        return _Who("description", phrase, head=words[-1].casefold().strip(".,"), anonymous=True)
    return None


_LEADING = re.compile(
    r"^(?:(?:But|And|Yet|Still|So|Later|Now|Meanwhile|Instead|Then|Also|However|Earlier|Separately|Indeed|"
    r"Mais|Et|Puis|Ensuite|Aber|Und|Doch|Pero|Y|Luego|Además)\b,?\s+)?"
)
_SUBJECT_PRONOUNS = frozenset(
    ["he", "she", "they", "il", "elle", "ils", "elles", "er", "sie", "él", "ella", "ellos", "ellas"]
)


_DATELINE = re.compile(r"^[A-ZÀ-Þ .,'’-]{3,40}(?:\([^)]{1,30}\))?\s*(?:—|–|--|-)\s*")


_APPOSITION = re.compile(
    r"^(?P<role>(?:[Tt]he|[Ll]a|[Ll]e|[Ll]’|[Dd]er|[Dd]ie|[Ee]l)\s*[^,;:]{2,80}),\s+"
    r"(?P<name>[A-ZÀ-ÖØ-Þ][\w’'.-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w’'.-]+){1,3}),\s+(?=[a-zà-ÿ])"
)


def _leading_run(tokens: list[str]) -> list[str]:
    """The capitalised words a sentence opens on, with particles and a role word between them ("Board chair
    Ingrid Solberg-Maas", "Pierre de Vallon"), up to a comma."""
    run: list[str] = []
    for index, token in enumerate(tokens):
        core = token.rstrip(",")
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        inside = run and following[:1].isupper() and (core in _PARTICLES or name_key(core) in ROLE_WORDS)
        if core[:1].isupper() or inside:
            run.append(core)
            if token.endswith(","):
                break
            continue
        break
    return run


def _subject(prefix: str, depth: int = 0) -> _Who | None:
    """The subject a sentence opens on, before the quotation it goes on to ("Ferreira, who led the
    opposition, called the plan", "She vowed to", "The senator described it as"): whose words a quotation
    inside reported speech is. An opening circumstance ("Moreover,", "Citing the report,") is passed over."""
    prefix = _DATELINE.sub("", prefix.lstrip(_SPACE + "\n\"“”«»„‘’'(—–-"))
    prefix = _LEADING.sub("", prefix)
    tokens = prefix.split()
    if not tokens:
        return None
    first = tokens[0].strip(",")
    if first.casefold() in _SUBJECT_PRONOUNS:
        return _Who("pronoun", first)
    according = re.match(rf"(?i:{_ACCORDING})\s+", prefix)
    if according is not None:
        # "According to Ferreira, the council “…”", "Selon la présidente, …", "Laut Brenner ist …"
        rest = prefix[according.end() :]
        comma = rest.find(",")
        phrase = rest[:comma] if 0 < comma <= 80 else " ".join(_leading_run(rest.split()))
        return _who(phrase) if phrase else None
    apposition = _APPOSITION.match(prefix)
    if apposition is not None and any(name_key(word) in ROLE_WORDS for word in apposition["role"].split()):
        # "La présidente du conseil, Hélène Dufresne-Arcan, a présenté …"
        name = _name_in(apposition["name"])
        if name is not None:
            return _Who("name", f"{apposition['role']}, {apposition['name']}", name=name)
    opener = first[:1].isupper() and (
        name_key(first) in _STOP or first.endswith("ing") or first.casefold() in _ARTICLES
    )
    if opener and first.casefold() in _ARTICLES and len(tokens) > 1 and tokens[1][:1].isupper():
        tokens = tokens[1:]  # "The Harbour Gazette’s Ines Varga"
    elif first[:1].islower() or (opener and first.casefold() not in _ARTICLES):
        comma = prefix.find(", ")
        if depth < 2 and comma > 0 and first[:1].isupper():
            return _subject(prefix[comma + 2 :], depth + 1)
        if first.casefold() not in _ARTICLES:
            return None
    first = tokens[0].strip(",")
    role: list[str] = []
    if first.casefold() in _ARTICLES:
        # "La alcaldesa Lucía Ferrán presentó", "the senator Jo Alden"
        j = 1
        while j < len(tokens) and tokens[j][:1].islower() and name_key(tokens[j]) in ROLE_WORDS:
            j += 1
        if 1 < j < len(tokens) and tokens[j][:1].isupper():
            role, tokens = tokens[:j], tokens[j:]
    run = _leading_run(tokens)
    if run and not any(_is_name_word(token) for token in run):
        run = []
    if not run:
        if first.casefold() in _ARTICLES and len(tokens) > 1:
            # "the senator", "la présidente": a description of somebody introduced earlier
            for token in tokens[1:4]:
                if not token[:1].islower():
                    break
                head = token.strip(",").casefold()
                if head.endswith(("’s", "'s")):
                    continue
                return _Who("description", " ".join(tokens[: tokens.index(token) + 1]), head=head)
        return None
    phrase = " ".join(run)
    organization = _organization_in(phrase)
    if organization is not None:
        return _Who("name", phrase, name=organization, organization=True)
    name = _name_in(phrase)
    if name is None:
        return None
    return _Who("name", " ".join([*role, *run]), name=name)


def _title_cased(sentence: str) -> bool:
    """A headline or a heading set in Title Case or capitals ("Senator Slams The Harbour Plan"): its
    capitalised words are no one's name for sure, and it introduces no speaker."""
    long = [word for word in _WORDS.findall(sentence) if len(word) > 3]
    return len(long) >= 3 and all(word[:1].isupper() for word in long)


def _who_after_verb(rest: str) -> str:
    """The phrase after "said" that names the speaker: up to a clause mark or a circumstance; a person only
    described keeps the whole description ("a longtime adviser to the mayor")."""
    first = rest.split(maxsplit=1)[0].casefold() if rest.strip() else ""
    if first in _INDEFINITE:
        described = re.match(r"[^,;:.!?()\[\]]+", rest)
        if described is not None and len(described.group().split()) <= 10:
            return re.sub(r"\s+(?:who|that|which|on|in|last|this|during)\s.*$", "", described.group())
    for cut in _WHO_END.finditer(rest):
        if cut.group() == "." and _ABBREVIATION.search(rest[: cut.start()]):
            continue  # "said Army Capt. Ines Varga", "said Rep. Jo Alden"
        return rest[: cut.start()]
    return rest


class _Extractor:
    def __init__(self, text: str, block_quotes: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.blocks = set(block_quotes)
        self.names: list[str] = []  # full names seen, in order
        self.history: list[tuple[str, str]] = []  # (name, attribution as written) of each mention
        self.citations: list[Citation] = []
        self.genders: dict[str, str] = {}
        self.organizations: set[str] = set()  # the names that are bodies, not people
        self.anonymous: set[str] = set()  # descriptions of people the article does not name
        self.previous: _Raw | None = None  # the quotation attributed last
        self._name_uses: dict[str, bool] = {}

    # names -----------------------------------------------------------------------------------------------
    def full_name(self, name: str) -> tuple[str, str]:
        """A lone surname becomes the full name given earlier in the text, when one was."""
        if " " not in name:
            for earlier in reversed(self.names):
                if earlier.split()[-1].casefold() == name.casefold():
                    return earlier, "surname"
            return name, "surname"
        return name, "name"

    def remember(self, name: str, attribution: str) -> None:
        if name not in self.names and " " in name and name not in self.anonymous:
            self.names.append(name)
        if name not in self.genders:
            gender = _gender_of(attribution)
            if gender is not None:
                self.genders[name] = gender
        self.history.append((name, attribution))

    def resolve(self, who: _Who) -> tuple[str, str, str] | None:
        """(name, attribution as written, via) for a phrase naming a speaker, in the context reached so far."""
        if who.kind == "name":
            assert who.name is not None
            name, via = self.full_name(who.name)
            if " " not in name and not who.organization and not self._used_as_name(name):
                return None  # "Fifteen said", "Oh, …": capitalised only because it opens the sentence
            if who.organization:
                self.organizations.add(name)
            return name, who.phrase, via
        if who.anonymous:
            # said nobody by name: the description itself, as an anonymous speaker of this article
            self.anonymous.add(who.phrase)
            return who.phrase, who.phrase, "anonymous"
        if not self.history:
            return None
        if who.kind == "description":
            # "the mayor": the last speaker the article gave that title ("Port Elwyn Mayor Marta Quill")
            for name, attribution in reversed(self.history):
                if who.head and who.head in attribution.casefold():
                    return name, attribution, "description"
            return None
        # "she said": the person last in view whom nothing shows to be of the other gender
        wanted = _PRONOUN_GENDER.get(who.phrase.casefold())
        people = [(n, a) for n, a in reversed(self.history[-8:]) if n not in self.organizations]
        if wanted is not None:
            # one of the last people in view whom a title shows to be of that gender, else one whom
            # nothing shows to be of the other
            recent = list(dict.fromkeys(n for n, _ in people))[:3]
            shown = [(n, a) for n, a in people if n in recent and self.gender(n) == wanted]
            people = shown or [(n, a) for n, a in people if self.gender(n) in (None, wanted)]
        if not people:
            return None
        name, attribution = people[0]
        return name, attribution, "pronoun"

    def gender(self, name: str) -> str | None:
        """A speaker's grammatical gender, when a title or role the article gave them shows it."""
        return self.genders.get(name)

    # narrative ---------------------------------------------------------------------------------------------
    def narrate(self, start: int, end: int) -> None:
        """Text between quotations: who is introduced as the subject of a sentence, and what it cites."""
        for s_start, s_end in _sentences(self.text, start, end):
            sentence = self.text[s_start:s_end]
            subject: str | None = None
            # a heading on a line of its own, in Title Case or capitals, names for sure only who the article
            # names again below it ("Varga Slams Harbour Plan" yes, "Harbour Plan" no)
            heading = self._own_line(s_start, s_end) and _title_cased(sentence)
            opening = _subject(sentence)
            matches = [*_INTRO.finditer(sentence), *_SUBJECT.finditer(sentence), None]
            for match in matches:
                who = _who(match["who"]) if match is not None else opening
                if who is None or who.kind != "name" or who.name is None:
                    continue
                if (match is None or match.re is _SUBJECT) and " " not in self.full_name(who.name)[0]:
                    continue  # a sentence opening on one capitalised word names no one for sure
                if heading and not self._named_below(who.name, s_end):
                    continue
                resolved = self.resolve(who)
                if resolved is not None:
                    subject = resolved[0]
                    self.remember(resolved[0], resolved[1])
                break
            self.cite(s_start, s_end, subject or (self.history[-1][0] if self.history else None))
            self.mentions(sentence)

    def _own_line(self, start: int, end: int) -> bool:
        before = self.text[:start].rstrip(_SPACE)
        after = self.text[end:].lstrip(_SPACE)
        return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))

    def _used_as_name(self, word: str) -> bool:
        """Whether a lone capitalised word may be a name: not a common word the article also writes in lower
        case ("Fifteen said", "Challenged on it, …"), nor a word in capitals only ever at a sentence's start
        (a dateline's "WASHINGTON")."""
        if word not in self._name_uses:
            lower = word.casefold()
            common = lower != word and re.search(rf"(?<![\w’'-]){re.escape(lower)}(?![\w’'-])", self.text)
            inside = rf"[a-zà-ÿ,;]\s+{re.escape(word)}(?![\w-])"
            shouted = len(word) > 3 and word.isupper() and re.search(inside, self.text) is None
            self._name_uses[word] = not common and not shouted
        return self._name_uses[word]

    def _named_below(self, name: str, after: int) -> bool:
        surname = name.split()[-1]
        return re.search(rf"(?<![\w’'-]){re.escape(surname)}(?![\w’'-])", self.text[after:]) is not None

    def mentions(self, sentence: str) -> None:
        """Full names mentioned anywhere ("talked to host Hugh Varga"), so that a surname alone later
        ("Varga said") is given the full name; the first person of a surname keeps it."""
        for match in _MENTION.finditer(sentence):
            name = _name_in(match.group())
            if name is None or " " not in name or name in self.names:
                continue
            words = name.split()
            if any(name_key(word) in _TITLES or name_key(word) in _STOP for word in words):
                continue
            surname = words[-1].casefold()
            if not any(known.split()[-1].casefold() == surname for known in self.names):
                self.names.append(name)

    def cite(
        self, start: int, end: int, speaker: str | None, *, patterns: Sequence[re.Pattern[str]] = ()
    ) -> list[Citation]:
        """The citations in a stretch of text (each found once: a stretch read again returns the same)."""
        found: list[Citation] = []
        sentence = self.text[start:end]
        for pattern in patterns or _CITATIONS:
            for match in pattern.finditer(sentence):
                a, b = start + match.start(), start + match.end()
                known = [c for c in self.citations if c.start < b and a < c.end]
                if known:
                    found += [c for c in known if c not in found]
                    continue
                citation = self._citation(match, start, speaker)
                if citation is not None:
                    self.citations.append(citation)
                    found.append(citation)
        return found

    def _citation(self, match: re.Match[str], offset: int, speaker: str | None) -> Citation | None:
        groups = match.groupdict()
        outlet = groups["outlet"].strip().rstrip(".,;:")
        person = groups.get("person")
        # "Foreign Policy Editor Susan Glasser": the title word splits the outlet from the person
        words = outlet.split()
        titled = [i for i, word in enumerate(words) if name_key(word) in _TITLES and i > 0]
        if titled:
            person = person or " ".join(words[titled[0] + 1 :]) or None
            outlet = " ".join(words[: titled[0]])
        if not outlet or (person is None and outlet in self.names):
            return None
        if groups.get("prep") in ("au", "aux"):
            outlet = ("Le " if groups["prep"] == "au" else "Les ") + outlet
        month = groups.get("month1") or groups.get("month2")
        year = next(
            (groups[g] for g in ("year1", "year2", "year_only1", "year_only2") if groups.get(g)), None
        )
        end = max(match.end(), match.end("outlet"))
        while end > match.start() and self.text[offset + end - 1] in ".,;:":
            end -= 1
        return Citation(
            text=self.text[offset + match.start() : offset + end].strip(),
            start=offset + match.start(),
            end=offset + end,
            outlet=outlet,
            person=_name_in(person.rstrip(".")) if person else None,
            month=_MONTHS.get(month.casefold().rstrip(".")) if month else None,
            year=int(year) if year else None,
            speaker=speaker,
        )

    # attribution ------------------------------------------------------------------------------------------
    def attribute(self, raw: _Raw, before: tuple[int, int], after: tuple[int, int]) -> None:
        """Give a quotation its speaker from the words around it; else note the speaker in context."""
        text = self.text
        previous = self.previous
        self.previous = raw
        between = text[before[0] : before[1]]
        if (
            previous is not None
            and previous.speaker is not None
            and previous.paragraph == raw.paragraph
            and previous.form == "verb-after"
            and previous.close is not None
            and between.rstrip(_SPACE).endswith(",")
            and not _cuts(between)
        ):
            # “The risk,” said Ines Varga, an economist, “is that …”: one quotation cut by its attribution
            raw.speaker, raw.attribution, raw.via = previous.speaker, previous.attribution, previous.via
            raw.form, raw.citation = "verb-after", previous.citation
            return
        ends_sentence = bool(re.search(r"[.!?…]$", text[raw.start : raw.end]))
        after_text = text[after[0] : after[1]]
        head = after_text[: _sentence_head(after_text)]
        clause = head.lstrip(_SPACE + "\n,;–—-.!?")
        skipped = len(head) - len(clause)
        asks = re.search(r"[!?]$", text[raw.start : raw.end]) is not None
        found = self._after(clause, ends_sentence, asks)
        if found is None and not ends_sentence:
            found = self._end_cue(clause)
        window = (after[0] + skipped, after[0] + len(head))
        if found is None:
            before_text = text[before[0] : before[1]]
            tail = before_text[_sentence_tail(before_text) :]
            raw.after_colon = tail.rstrip(_SPACE + "\n").endswith(":")
            found = self._before(tail)
            window = (before[1] - len(tail), before[1])
        if found is None:
            line_start = text.rfind("\n", 0, raw.open) + 1
            prefix = text[line_start : raw.open]
            prefix = prefix[_sentence_tail(prefix) :]
            # "Quill: “…”" is a headline's or a transcript's form, not a sentence's subject
            colon = prefix.rstrip(_SPACE).endswith(":")
            bare = colon and raw.paragraph < HEADLINE_PARAGRAPHS and not re.search(r"\b[a-zà-ÿ]", prefix)
            aside = _ASIDE.search(prefix)
            who = _who(aside["who"]) if aside is not None else None
            if (who is None or who.kind != "name") and colon and not bare and len(prefix.split()) <= 12:
                # "Former Mayor Ana Brisk:“…”", as a transcript prints a turn
                who = _who(prefix.rstrip(_SPACE + ":"))
            if who is None or who.kind != "name":
                who = None if bare else _subject(prefix)
            if who is not None:
                found = who, "subject"
                window = (raw.open - len(prefix), raw.open)
        if found is None:
            raw.context = self.history[-1] if self.history else None
            return
        who, form = found
        resolved = self.resolve(who)
        if resolved is None:
            raw.context = self.history[-1] if self.history else None
            return
        raw.speaker, raw.attribution, raw.via = resolved
        raw.form = form
        if who.organization:
            self.organizations.add(raw.speaker)
        self.remember(raw.speaker, raw.attribution)
        cited = self.cite(*window, raw.speaker) or self.cite(*window, raw.speaker, patterns=[_TOLD_AFTER])
        raw.citation = cited[0] if cited else None

    def _after(self, clause: str, ends_sentence: bool, asks: bool = False) -> tuple[_Who, str] | None:
        if not clause:
            return None
        inverted = _AFTER_INVERTED.match(clause)
        if inverted is not None:
            words = inverted.group().split()
            pronoun = words[-1] if words[-1] != "hinzu" else words[-2]
            if "-" in words[-1] or "-" in words[0]:
                pronoun = words[0].split("-")[-1] if len(words) == 1 else words[0].rsplit("-", 1)[-1]
            # "sagte sie": a singular verb makes "sie" one woman
            if pronoun == "sie" and not words[0].endswith("en"):
                pronoun = "sie:female"
            return _Who("pronoun", pronoun), "verb-after"
        match = _AFTER_VERB_FIRST.match(clause) or _AFTER_SO.match(clause)
        if match is not None:
            who = _who(_who_after_verb(match["who"]))
            if who is not None:
                according = re.match(_ACCORDING, match["verb"], re.I) is not None
                return who, "according-to" if according else "verb-after"
        match = _AFTER_APPOSITIVE.match(clause)
        if match is not None and _subject(match["who"]) is not None:
            # "…," Ingrid Solberg-Maas, who chairs the board, said.
            who = _who(match["who"])
            if who is not None:
                return who, "verb-after"
        if match is not None and re.fullmatch(r"[^A-ZÀ-ÖØ-Þ]+", match["who"]):
            # "…," his sister, Ines Varga, wrote.: the name set beside a description
            who = _who(match["apposition"])
            if who is not None and who.kind == "name" and not who.organization:
                return who, "verb-after"
        match = _AFTER_WHO_FIRST.match(clause)
        if match is not None and _NEW_CLAUSE.match(clause):
            match = None  # "… “leading from behind” and Varga says …": a new clause and its own cue
        if match is not None and re.search(r"\b(?:was|were|is|are|been|being)\b", match["who"]):
            match = None  # "… Varga’s move was first reported by the Gazette": no speaker before the verb
        if match is not None:
            # After a quotation that ends its sentence, only a short clause is its attribution
            # ("Go!" he shouted.); a new sentence that merely starts with a name is not.
            long_rest = len(match["rest"].split()) > 6 and not match["rest"].startswith(",")
            # a question or an exclamation goes on into its attribution however long ("“Who knows?”
            # Varga told the harbour radio in an interview aired on Monday when asked …")
            asked = asks and len(match["who"].split()) <= 2
            if ends_sentence and not asked and (long_rest or len(match["who"].split()) > 4):
                return None
            who = _who(match["who"])
            if who is not None:
                return who, "verb-after"
        return None

    def _end_cue(self, clause: str) -> tuple[_Who, str] | None:
        """A sentence that goes on after its quotation and ends on the cue ("“…” about the decision, said
        Ines Varga, a biologist.", "“…” would be fine, Tomas Ferreira said on Monday.")."""
        match = _END_VERB_FIRST.search(clause)
        if match is not None:
            who = _who(_who_after_verb(match["who"]))
            if who is not None:
                return who, "verb-after"
        match = _END_WHO_FIRST.search(clause)
        if match is not None:
            who = _who(match["who"])
            if who is not None and who.kind != "description":
                return who, "verb-after"
        return None

    def _before(self, tail: str) -> tuple[_Who, str] | None:
        tail = tail.rstrip(_SPACE + "\n:,–—-")
        tail = _THAT.sub("", tail)
        if not tail:
            return None
        match = _BEFORE_ACCORDING.search(tail)
        if match is not None:
            phrase = match["who"]
            if phrase[:1].isupper():  # "laut Brenner ist der Plan": the name, not the nouns after it
                phrase = " ".join(_leading_run(phrase.split())) or phrase
            who = _who(phrase)
            if who is not None:
                return who, "according-to"
        # the cue nearest the quotation first: "After Varga asked him, Ferreira replied, “…”"
        for verb in reversed(list(_CUE_VERB.finditer(tail))):
            rest = tail[verb.end() :]
            if len(rest.split()) > 15 or re.search(r"[;:]", rest):
                break
            clause_start = max(tail.rfind(",", 0, verb.start()), tail.rfind(";", 0, verb.start())) + 1
            phrase = tail[clause_start : verb.start()]
            first = phrase.split()[0].casefold() if phrase.strip() else ""
            if clause_start > 0 and first in (
                "",
                "who",
                "which",
                "a",
                "an",
                "the",
                "qui",
                "der",
                "die",
                "que",
            ):
                # "Ines Varga, who chairs the board, told …", "Ines Varga, a biologist who …, said":
                # the name the sentence opens on, before its apposition
                opening = _subject(tail[:clause_start])
                if opening is not None and (
                    opening.kind == "pronoun"
                    or (opening.kind == "name" and " " in self.full_name(opening.name or "")[0])
                ):
                    return opening, "verb-before"
            trailing = _TRAILING_SUBJECT.search(phrase)
            if trailing is not None:
                # "… grew so heated that Gov. Jo Alden said": the subject of the clause the cue is in
                phrase = trailing["who"]
            if not phrase.strip() or len(phrase) > 120:
                continue
            who = _who(phrase)
            if who is not None and who.kind == "name" and re.search(r"\s[a-z]", phrase):
                # "Carson took the stage at the Grand Hotel and called it …": the clause's subject
                opening = _subject(phrase)
                who = opening if opening is not None and opening.kind != "description" else who
            if who is not None:
                return who, "verb-before"
        return None


def _chains(raws: list[_Raw]) -> None:
    """Link block quotations that continue into the next paragraph (opened, not closed, then opened again)."""
    chain = 0
    previous: _Raw | None = None
    for raw in raws:
        if (
            previous is not None
            and previous.block
            and previous.close is None
            and raw.block
            and raw.paragraph == previous.paragraph + 1
        ):
            raw.chain = previous.chain
        else:
            chain += 1
            raw.chain = chain
        previous = raw


def extract_article(
    text: str, *, title: str | None = None, block_quotes: Sequence[tuple[int, int]] = ()
) -> Extraction:
    """Find the quotations of one article, who each is given to, and the primary sources it cites.

    `block_quotes` are paragraph spans known to be quotations (an HTML <blockquote>), marks or not.
    """
    paragraphs = _paragraphs(text)
    extractor = _Extractor(text, block_quotes)
    headline, headline_at = _headline(text, paragraphs, title)
    quotes: list[FoundQuote] = []
    if headline is not None and headline.speaker and headline.attribution:
        extractor.remember(headline.speaker, headline.attribution)
        if headline.citation is not None:
            extractor.citations.append(headline.citation)
    raws: list[_Raw] = []
    for index, (start, end) in enumerate(paragraphs):
        if index == headline_at:
            continue
        found = _scan(text, index, start, end, block=(start, end) in extractor.blocks)
        position = start
        for n, raw in enumerate(found):
            extractor.narrate(position, raw.open)
            next_open = found[n + 1].open if n + 1 < len(found) else end
            after_start = raw.close + 1 if raw.close is not None else end
            extractor.attribute(raw, (position, raw.open), (after_start, max(after_start, next_open)))
            position = after_start
        extractor.narrate(position, end)
        raws.extend(raw for raw in found if raw.keep)
    _chains(raws)
    # a block quotation in a run takes the attribution any part of the run has, else the speaker in context
    by_chain: dict[int, list[_Raw]] = {}
    for raw in raws:
        by_chain.setdefault(raw.chain, []).append(raw)
    for members in by_chain.values():
        given = next((m for m in members if m.speaker is not None), None)
        for member in members:
            if member.speaker is not None:
                continue
            if given is not None and len(members) > 1:
                member.speaker, member.attribution, member.citation = (
                    given.speaker,
                    given.attribution,
                    given.citation,
                )
                member.form, member.via = "chain", given.via
            elif members[0].context is not None and _context_fits(text, members[0]):
                member.speaker, member.attribution = members[0].context
                member.form, member.via = "introduced", "name"
    # elision marks anywhere in a run make each of its paragraphs part of a cut quotation
    elided = {
        chain: any(_ELISION.search(text[m.start : m.end]) for m in members)
        for chain, members in by_chain.items()
    }
    for raw in raws:
        if not raw.speaker:
            continue
        possessive = re.search(r"[’']s\s*$", text[max(0, raw.open - 4) : raw.open]) is not None
        if (possessive or raw.form not in ("verb-after", "chain")) and _reads_as_title(text, raw):
            raw.speaker = raw.attribution = raw.form = raw.via = None
            raw.citation = None
    attributed: list[FoundQuote] = []
    unattributed: list[FoundQuote] = []
    for raw in raws:
        excerpt = elided[raw.chain]
        citation = raw.citation or _cited_for(extractor.citations, raw.speaker, raw.start)
        found_quote = FoundQuote(
            text=text[raw.start : raw.end],
            start=raw.start,
            end=raw.end,
            style=raw.style,
            block=raw.block,
            relation=AppearanceRelation.EXCERPT if excerpt else AppearanceRelation.VERBATIM,
            speaker=raw.speaker,
            attribution=raw.attribution,
            form=raw.form,
            via=raw.via,
            citation=citation,
            speaker_kind=(
                SpeakerKind.ORGANIZATION
                if raw.speaker is not None and raw.speaker in extractor.organizations
                else SpeakerKind.PERSON
            ),
            anonymous=raw.speaker is not None and raw.speaker in extractor.anonymous,
        )
        (attributed if raw.speaker else unattributed).append(found_quote)
    if headline is None and headline_at is None:
        headline = _bare_headline(text, paragraphs, extractor.names)
    elif headline is not None and headline.speaker and " " not in headline.speaker:
        # "Quill on Harbour Radio: ...": the surname of a speaker the article names in full
        full = extractor.full_name(headline.speaker)[0]
        headline = replace(headline, speaker=full, via="surname")
        if headline.citation is not None:
            citation = replace(headline.citation, speaker=full)
            extractor.citations[extractor.citations.index(headline.citation)] = citation
            headline = replace(headline, citation=citation)
    if headline is not None:
        # One passage is recorded once. A line whose words the extractor already gave a speaker ("according
        # to X: "words) is that quotation, not also a headline over it; an unattributed quotation inside a
        # headline is the headline's own words.
        over = headline
        if any(q.start < over.end and over.start < q.end for q in attributed):
            headline = None
        else:
            unattributed = [q for q in unattributed if not (q.start < over.end and over.start < q.end)]
    if headline is not None:
        quotes.append(headline)
    quotes.extend(attributed)
    speakers = list(dict.fromkeys(q.speaker for q in quotes if q.speaker))
    title_text = title or (_title(text, paragraphs) if paragraphs else None)
    return Extraction(text, title_text, quotes, unattributed, extractor.citations, speakers)


_TITLE_SMALL = frozenset(
    {
        "of", "the", "a", "an", "and", "or", "in", "on", "for", "to", "with", "at", "by", "from", "de", "la",
        "le", "les", "du", "des", "et", "der", "die", "das", "und", "y", "el", "los",
    }
)  # fmt: skip


def _reads_as_title(text: str, raw: _Raw) -> bool:
    """A short stretch in Title Case that ends no sentence ("Gang of Eight", "Let’s Get Loud") names a work,
    a group or a slogan: not somebody's statement."""
    if raw.block or raw.after_colon:
        return False
    words = text[raw.start : raw.end]
    if re.search(r"[.!?…,]$", words):
        return False
    found = _WORDS.findall(words)
    small = [word for word in found if not word[0].isupper()]
    return len(found) <= 8 and len(small) < len(found) and all(word in _TITLE_SMALL for word in small)


def _context_fits(text: str, raw: _Raw) -> bool:
    """An unattributed quotation goes to the speaker in context when it reads as their words: a block quote,
    one introduced by a colon, or a whole sentence that is not a Title Cased name of something."""
    if raw.block or raw.after_colon:
        return True
    words = _WORDS.findall(text[raw.start : raw.end])
    capitalised = sum(1 for word in words if word[0].isupper())
    return len(words) >= MIN_WORDS and capitalised * 2 < len(words)


def _cited_for(citations: list[Citation], speaker: str | None, position: int) -> Citation | None:
    """The citation an article gives for a speaker's words: the last one before the quotation, else the
    first after it."""
    if speaker is None:
        return None
    mine = [c for c in citations if c.speaker == speaker]
    earlier = [c for c in mine if c.start < position]
    if earlier:
        return earlier[-1]
    return mine[0] if mine else None


def _headline(
    text: str, paragraphs: list[tuple[int, int]], title: str | None
) -> tuple[FoundQuote | None, int | None]:
    """A headline "Speaker in Outlet: words" among the first short paragraphs (or equal to the title)."""
    for index, (start, end) in enumerate(paragraphs[:HEADLINE_PARAGRAPHS]):
        line = text[start:end]
        if title is not None and name_key(line) != name_key(title):
            continue
        if len(line) > HEADLINE_LENGTH:
            break  # the body has started
        match = _HEADLINE.match(line) if "\n" not in line else None
        if match is None:
            continue
        who = _who(match["who"])
        if who is None or who.kind != "name" or who.name is None:
            continue
        citation = Citation(
            text=text[start + match.start("prep") : start + match.end("outlet")],
            start=start + match.start("prep"),
            end=start + match.end("outlet"),
            outlet=match["outlet"].strip(),
            speaker=who.name,
        )
        words_from, words_to = _headline_words(text, start + match.start("words"), end)
        if not _WORDS.search(text[words_from:words_to]):
            continue
        quote = FoundQuote(
            text=text[words_from:words_to],
            start=words_from,
            end=words_to,
            style="headline",
            block=False,
            relation=AppearanceRelation.HEADLINE,
            speaker=who.name,
            attribution=match["who"].strip() + " " + text[citation.start : citation.end],
            form="headline",
            via="name",
            citation=citation,
        )
        return quote, index
    return None, None


def _bare_headline(text: str, paragraphs: list[tuple[int, int]], names: list[str]) -> FoundQuote | None:
    """A headline "Speaker: words", when the speaker is someone the article quotes."""
    for start, end in paragraphs[:HEADLINE_PARAGRAPHS]:
        line = text[start:end]
        if len(line) > HEADLINE_LENGTH:
            return None
        match = _HEADLINE_BARE.match(line) if "\n" not in line else None
        if match is None:
            continue
        who = _who(match["who"])
        if who is None or who.kind != "name" or who.name is None:
            continue
        full = next(
            (n for n in names if n == who.name or n.split()[-1].casefold() == who.name.casefold()), None
        )
        if full is None:
            continue
        words_from, words_to = _headline_words(text, start + match.start("words"), end)
        if not _WORDS.search(text[words_from:words_to]):
            continue
        return FoundQuote(
            text=text[words_from:words_to],
            start=words_from,
            end=words_to,
            style="headline",
            block=False,
            relation=AppearanceRelation.HEADLINE,
            speaker=full,
            attribution=match["who"].strip(),
            form="headline",
            via="name" if full == who.name else "surname",
        )
    return None


def _headline_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A headline's words, without the quote marks around them."""
    if text[start] in _MARKS:
        closers = _MARKS[text[start]][0]
        if end - 1 > start and text[end - 1] in closers:
            return _trim(text, start + 1, end - 1)
        if end - 2 > start and text[end - 2] in closers and text[end - 1] in ".!?":
            return _trim(text, start + 1, end - 2)
    return _trim(text, start, end)


def _title(text: str, paragraphs: list[tuple[int, int]]) -> str | None:
    """A title for an article given none: a headline above the body, else the first line that reads like
    one (three words or more) above the body, else the first line; never a paragraph from the middle."""
    lines: list[str] = []
    for start, end in paragraphs[:HEADLINE_PARAGRAPHS]:
        line = text[start:end]
        if len(line) > HEADLINE_LENGTH:
            lines.append(" ".join(line.split("\n")[0].split()))
            break  # the body has started
        if "\n" not in line and _HEADLINE.match(line):
            return line
        lines.extend(" ".join(part.split()) for part in line.split("\n"))
    if not lines:
        return None
    line = next((line for line in lines if len(_WORDS.findall(line)) >= 3), lines[0])
    if not _WORDS.search(line):
        return None
    if len(line) <= HEADLINE_LENGTH:
        return line
    cut = _sentence_head(line[:HEADLINE_LENGTH] + " ")
    return line[:cut] if 0 < cut < HEADLINE_LENGTH else line[: HEADLINE_LENGTH - 1].rstrip() + "…"


# --- reading files -------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article ready for extraction: its text, and what its page said about itself."""

    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    site: str | None = None
    block_quotes: tuple[tuple[int, int], ...] = ()
    format: Format = "text"


def _element_text(element: Any) -> str:
    return re.sub(r"[ \t\r\n]+", " ", "".join(element.itertext())).strip()


def parse_html(html: str | bytes, *, name: str = "the HTML") -> ArticleText:
    """The article of a web page, its menus, footers and comments removed (trafilatura), as paragraphs."""
    import trafilatura

    if isinstance(html, str) and not html.strip():
        raise ValidationError(f"{name} is empty; give the page's HTML")
    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_formatting=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = getattr(document, "body", None)
    if document is None or body is None or not len(body):
        raise ValidationError(
            f"{name}: no article text found in the page; check that it is the article itself (not a "
            "consent or login page), or save its text and import it with --format text"
        )
    paragraphs: list[tuple[str, bool]] = []
    for element in body:
        if element.tag == "quote":
            inner = [child for child in element if child.tag in ("p", "head")] or [element]
            paragraphs += [(_element_text(child), True) for child in inner]
        elif element.tag == "list":
            paragraphs += [(_element_text(item), False) for item in element]
        elif element.tag != "table":
            paragraphs.append((_element_text(element), False))
    paragraphs = [(words, quoted) for words, quoted in paragraphs if words]
    title = getattr(document, "title", None)
    if title and (not paragraphs or name_key(paragraphs[0][0]) != name_key(title)):
        paragraphs.insert(0, (title.strip(), False))
    text = ""
    blocks: list[tuple[int, int]] = []
    for words, quoted in paragraphs:
        if text:
            text += "\n\n"
        if quoted:
            blocks.append((len(text), len(text) + len(words)))
        text += words
    if not text.strip():
        raise ValidationError(f"{name}: the page holds no article text; check the file")
    language = getattr(document, "language", None)
    return ArticleText(
        text=text,
        title=title.strip() if title else None,
        url=getattr(document, "url", None),
        published=getattr(document, "date", None),
        language=language,
        site=getattr(document, "sitename", None),
        block_quotes=tuple(blocks),
        format="html",
    )


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _decode_html(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        declared = _CHARSET.search(data[:4096])
        if declared is None:
            raise ValidationError(
                f"{name}: not UTF-8 (byte {error.start}) and no <meta charset> says what it is; save the "
                "page as UTF-8, or add its charset"
            ) from None
        charset = declared.group(1).decode("ascii")
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise ValidationError(
                f"{name}: cannot be decoded as its declared charset {charset!r}; save the page as UTF-8"
            ) from None


def read_article(path: Path, format: Format | None = None) -> ArticleText:
    """Read an article file: plain UTF-8 text, or HTML (by --format, else by its name or first tag)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    except OSError as error:
        raise ValidationError(f"{path}: cannot be read ({error.strerror})") from None
    if format is None:
        sniff = data[:512].lstrip().lower()
        html = path.suffix.lower() in (".html", ".htm", ".xhtml") or sniff.startswith(
            (b"<!doctype", b"<html")
        )
        format = "html" if html else "text"
    if format == "html":
        return parse_html(_decode_html(data, str(path)), name=str(path))
    if format != "text":
        raise ValidationError(f"format {format!r} is not text or html", field="format")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValidationError(f"{path} is empty; give a file holding the article's text")
    return ArticleText(text=text)


# --- the import ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CitationReport:
    text: str  # as the article words it
    outlet: str
    held: bool  # the database holds the cited interview's transcript (as a record, text or not)
    interviewer: str | None = None  # as the article names them
    month: int | None = None  # when the article says it was held
    year: int | None = None
    source_id: int | None = None
    source_title: str | None = None
    interview_title: str | None = None
    held_on: str | None = None
    note: str | None = None  # why it is not linked


@dataclass(frozen=True, slots=True)
class QuoteReport:
    text: str
    start: int
    end: int
    relation: AppearanceRelation
    style: str
    speaker: str  # the speaker recorded
    speaker_kind: SpeakerKind  # PERSON or ORGANIZATION, as recorded
    name_in_text: str  # the name the article gives (after surnames and pronouns)
    attribution: str | None
    form: str | None
    via: str | None
    new_speaker: bool
    verdict: Verdict | None
    confidence: float | None
    explanation: str | None
    cited_as: str | None
    taken_from: str | None  # what the appearance is linked to, described
    quote_id: int | None = None
    appearance_id: int | None = None


@dataclass(slots=True)
class ArticleReport:
    title: str
    kind: SourceKind
    dry_run: bool
    created: bool  # False when this article (same URL and text) is stored already
    source_id: int | None
    quotes: list[QuoteReport] = field(default_factory=list)
    unattributed: list[str] = field(default_factory=list)
    resolved: dict[str, str] = field(default_factory=dict)  # name in the text -> speaker recorded
    new_speakers: list[str] = field(default_factory=list)
    citations: list[CitationReport] = field(default_factory=list)


@dataclass(slots=True)
class _Link:
    report: CitationReport
    source: Source | None
    interview: Interview | None
    language: str | None


def _outlet_names(named: str) -> list[str]:
    """The spellings to look an outlet up by: as named, without "The"/"Le", without "Magazine"."""
    names = [named.strip()]
    bare = re.sub(r"^(?:the|le|la|les|l['’])\s*", "", names[0], flags=re.I)
    for candidate in (bare, _OUTLET_TAIL.sub("", names[0]), _OUTLET_TAIL.sub("", bare)):
        if candidate and candidate not in names:
            names.append(candidate)
    return names


class _Importer:
    def __init__(self, session: Session, published: PartialDate | None) -> None:
        self.session = session
        self.published = published
        self.speakers: dict[str, Speaker] = {}
        self.new: list[str] = []
        self.resolved: dict[str, str] = {}
        self.links: dict[Citation, _Link] = {}

    def speaker(
        self, name: str, kind: SpeakerKind = SpeakerKind.PERSON, *, anonymous: bool = False
    ) -> Speaker:
        key = name_key(name)
        if key in self.speakers:
            return self.speakers[key]
        speaker = None if anonymous else self._find(name)
        if speaker is None:
            speaker = create_speaker(self.session, name=name, kind=kind, anonymous=anonymous)
            self.new.append(speaker.name)
        self.speakers[key] = speaker
        self.resolved[name] = speaker.name
        return speaker

    def _find(self, name: str) -> Speaker | None:
        found = find_speakers(self.session, name)
        if found:
            return found[0]
        # a surname, or a full name spelt another way ("Sergueï Lavrov"): the one speaker whose name or
        # alias ends with the same surname (and, for a full name, starts with the same letter)
        parts = name_key(name).split()
        if not parts:
            return None
        pattern = f"% {parts[-1]}"
        query = (
            select(Speaker)
            .where(
                or_(
                    Speaker.name_key.like(pattern),
                    Speaker.name_key == parts[-1],
                    Speaker.aliases.any(
                        or_(SpeakerAlias.name_key.like(pattern), SpeakerAlias.name_key == parts[-1])
                    ),
                )
            )
            .options(selectinload(Speaker.aliases))
            .order_by(Speaker.id)
            .limit(5)
        )
        candidates = list(self.session.scalars(query))
        if len(parts) > 1:
            candidates = [s for s in candidates if s.name_key[:1] == parts[0][:1]]
        return candidates[0] if len(candidates) == 1 else None

    def outlet(self, named: str) -> Outlet | None:
        for candidate in _outlet_names(named):
            found = find_outlet(self.session, candidate)
            if found is not None:
                return found
        return None

    def link(self, citation: Citation, speaker: Speaker) -> _Link:
        if citation in self.links:
            return self.links[citation]
        self.links[citation] = link = self._link(citation, speaker)
        return link

    def _link(self, citation: Citation, speaker: Speaker) -> _Link:
        when = (citation.person, citation.month, citation.year)

        def unheld(note: str) -> _Link:
            return _Link(
                CitationReport(citation.text, citation.outlet, False, *when, note=note), None, None, None
            )

        outlet = self.outlet(citation.outlet)
        if outlet is None:
            return unheld(f"no outlet called {citation.outlet!r} is recorded")
        query = (
            select(Interview)
            .where(
                Interview.outlet_id == outlet.id,
                Interview.participants.any(Participant.speaker_id == speaker.id),
            )
            .options(selectinload(Interview.participants).selectinload(Participant.speaker))
            .order_by(Interview.id)
        )
        interviews = [i for i in self.session.scalars(query) if self._when_fits(citation, i.held_on)]
        if citation.person:
            asked = {s.id for s in find_speakers(self.session, citation.person)}
            by_person = [i for i in interviews if any(p.speaker_id in asked for p in i.participants)]
            interviews = by_person or interviews
        if not interviews:
            return unheld(f"no interview of {speaker.name} with {outlet.name} at that date is recorded")
        if len(interviews) > 1:
            return unheld(
                f"{len(interviews)} interviews of {speaker.name} with {outlet.name} fit; link it by hand"
            )
        interview = interviews[0]
        sources = list(
            self.session.scalars(
                select(Source).where(Source.interview_id == interview.id).order_by(Source.id)
            )
        )
        sources.sort(key=lambda s: (s.kind is not SourceKind.TRANSCRIPT, s.text is None, s.id))
        held_on = str(interview.held_on) if interview.held_on else None
        if not sources:
            report = CitationReport(
                citation.text,
                citation.outlet,
                False,
                *when,
                interview_title=interview.title,
                held_on=held_on,
                note="the interview is recorded, but no transcript of it",
            )
            return _Link(report, None, interview, interview.language)
        source = sources[0]
        report = CitationReport(
            citation.text,
            citation.outlet,
            True,
            *when,
            source_id=source.id,
            source_title=source.title,
            interview_title=interview.title,
            held_on=held_on,
        )
        return _Link(report, source, interview, source.language or interview.language)

    def _when_fits(self, citation: Citation, held_on: PartialDate | None) -> bool:
        """Does an interview's date fit what the article says ("in March") and when it was published?"""
        if held_on is None:
            return citation.month is None and citation.year is None
        if self.published is not None and held_on.key > self.published.end_key:
            return False  # an article cannot cite an interview held after it
        year = citation.year
        if year is None and citation.month is not None and self.published is not None:
            # "in March", in an article of 2013-04: March 2013; in one of 2013-02: March 2012
            late = self.published.month is not None and citation.month > self.published.month
            year = self.published.year - 1 if late else self.published.year
        if year is not None and held_on.year != year:
            return False
        return citation.month is None or held_on.month in (None, citation.month)


def _check(session: Session, text: str, speaker: Speaker) -> CheckResult | None:
    if len(text) > MAX_QUOTE:
        return None
    return check_quote(session, CheckRequest(text=text, speaker_id=speaker.id))


def _describe(source: Source | None, appearance: Appearance | None) -> str | None:
    if appearance is not None:
        words = appearance.text if len(appearance.text) <= 60 else appearance.text[:57] + "..."
        return f"this article's quotation “{words}”"
    if source is not None:
        return f"source {source.id}: {source.title}"
    return None


def import_article(
    session: Session,
    article: ArticleText | str,
    *,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: PartialDate | str | None = None,
    language: str | None = None,
    kind: SourceKind | str = SourceKind.ARTICLE,
    dry_run: bool = False,
) -> ArticleReport:
    """Record an article as a source with the quotes it prints; `dry_run` reports the same and writes nothing.

    Re-importing the same article (same URL and text) changes nothing.
    """
    if isinstance(article, str):
        article = ArticleText(text=article)
    if not article.text.strip():
        raise ValidationError("the article is empty; give a file holding the article's text", field="text")
    # Every option is checked before anything is written.
    kind = v.enum_value(SourceKind, kind, "kind")
    if kind.is_primary:
        raise ValidationError(
            "an article is not a transcript; import transcripts with `quotecheck import transcript`",
            field="kind",
        )
    address = v.url(url or article.url)
    when = v.partial_date(published or _published(article.published), "published")
    tag = v.language(language) or _language(article.language)
    extraction = extract_article(
        article.text, title=title or article.title, block_quotes=article.block_quotes
    )
    name = v.required_text(title or article.title or extraction.title, "title")
    if not dry_run:
        report = _import(session, article, extraction, name, address, outlet, when, tag, kind, dry_run=False)
        source = None if report.source_id is None else session.get(Source, report.source_id)
        detail = {
            "created": report.created,
            "quotations": len(report.quotes),
            "appearances": [
                audit.ref("Appearance", q.appearance_id) for q in report.quotes if q.appearance_id
            ],
            "newSpeakers": list(report.new_speakers),
        }
        if report.created:  # else the article was stored already and nothing was written
            audit.record(session, "importArticle", source, detail=detail)
        return report
    wrote = has_written(session)
    savepoint = session.begin_nested()
    try:
        report = _import(session, article, extraction, name, address, outlet, when, tag, kind, dry_run=True)
    finally:
        savepoint.rollback()
        restore_written(session, wrote)
    if report.created:  # the ids it was given are gone with the savepoint
        report.source_id = None
        report.quotes = [replace(q, quote_id=None, appearance_id=None) for q in report.quotes]
    return report


def _published(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(PartialDate.parse(value[:10]))
    except ValidationError:
        return None


def _language(value: str | None) -> str | None:
    try:
        return v.language(value)
    except ValidationError:
        return None


def _import(
    session: Session,
    article: ArticleText,
    extraction: Extraction,
    title: str,
    url: str | None,
    outlet_name: str | None,
    published: PartialDate | None,
    language: str | None,
    kind: SourceKind,
    *,
    dry_run: bool,
) -> ArticleReport:
    report = ArticleReport(title=title, kind=kind, dry_run=dry_run, created=True, source_id=None)
    existing = find_source(session, url=url, text=article.text)
    if existing is not None:
        report.created, report.source_id = False, existing.id
        return report
    home: Outlet | None = None
    if outlet_name:
        home = find_outlet(session, outlet_name) or create_outlet(session, name=outlet_name)
    elif url or article.site:
        home = find_outlet(session, url or "") if url else None
        home = home or (find_outlet(session, article.site) if article.site else None)
    importer = _Importer(session, published)
    # (every extracted quote has a speaker: the ones nobody is named for are in `extraction.unattributed`)
    speakers = [
        importer.speaker(q.speaker or "", q.speaker_kind, anonymous=q.anonymous) for q in extraction.quotes
    ]
    links = [
        importer.link(q.citation, speaker) if q.citation is not None else None
        for q, speaker in zip(extraction.quotes, speakers, strict=True)
    ]
    # Body quotes are checked against what the database held before this article: it never confirms itself.
    checks: list[CheckResult | None] = [
        None if q.relation is AppearanceRelation.HEADLINE else _check(session, q.text, speaker)
        for q, speaker in zip(extraction.quotes, speakers, strict=True)
    ]
    source = create_source(
        session,
        kind=kind,
        title=title,
        url=url,
        outlet=home,
        published_on=published,
        language=language,
        text=article.text,
    )
    report.source_id = source.id
    order = sorted(
        range(len(extraction.quotes)),
        key=lambda n: extraction.quotes[n].relation is AppearanceRelation.HEADLINE,
    )
    for n in order:
        found, speaker, link = extraction.quotes[n], speakers[n], links[n]
        relation = found.relation
        if (
            relation is not AppearanceRelation.HEADLINE
            and link is not None
            and link.language
            and language
            and link.language.split("-")[0] != language.split("-")[0]
        ):
            relation = AppearanceRelation.TRANSLATION
        quote = find_quote(session, speaker=speaker, text=found.text)
        if quote is None:
            interview = link.interview if link is not None else None
            quote = create_quote(
                session,
                speaker=speaker,
                text=found.text,
                language=language,
                said_on=interview.held_on if interview is not None else None,
                interview=interview,
            )
        taken_from_source = link.source if link is not None else None
        taken_from_appearance: Appearance | None = None
        result = checks[n]
        if relation is AppearanceRelation.HEADLINE:
            # A headline sums up what the article quotes: checked now, against the passages just written.
            result = _check(session, found.text, speaker)
            own = _own_appearance(result, source.id)
            if own is not None:
                taken_from_appearance = session.get(Appearance, own)
                taken_from_source = None
        appearance = create_appearance(
            session,
            quote=quote,
            source=source,
            text=found.text,
            relation=relation,
            attribution=found.attribution,
            char_start=found.start,
            char_end=found.end,
            taken_from_appearance=taken_from_appearance,
            taken_from_source=taken_from_source,
            cited_as=found.citation.text if found.citation is not None else None,
        )
        if result is not None:
            appearance.check_verdict = result.outcome.verdict
            appearance.check_confidence = result.outcome.confidence
            appearance.check_explanation = result.outcome.explanation
            appearance.checked_at = utcnow()
        report_row = QuoteReport(
            text=found.text,
            start=found.start,
            end=found.end,
            relation=relation,
            style=found.style,
            speaker=speaker.name,
            speaker_kind=speaker.kind,
            name_in_text=found.speaker or speaker.name,
            attribution=found.attribution,
            form=found.form,
            via=found.via,
            new_speaker=speaker.name in importer.new,
            verdict=result.outcome.verdict if result is not None else None,
            confidence=result.outcome.confidence if result is not None else None,
            explanation=(
                result.outcome.explanation
                if result is not None
                else f"not checked: longer than {MAX_QUOTE} characters; check it in parts"
            ),
            cited_as=found.citation.text if found.citation is not None else None,
            taken_from=_describe(taken_from_source, taken_from_appearance),
            quote_id=quote.id,
            appearance_id=appearance.id,
        )
        report.quotes.append(report_row)
    session.flush()
    report.quotes.sort(key=lambda q: (q.relation is not AppearanceRelation.HEADLINE, q.start))
    report.unattributed = [q.text for q in extraction.unattributed]
    report.resolved = dict(importer.resolved)
    report.new_speakers = list(importer.new)
    seen: set[str] = set()
    for link in links:
        if link is not None and link.report.text not in seen:
            seen.add(link.report.text)
            report.citations.append(link.report)
    return report


def _own_appearance(result: CheckResult | None, source_id: int) -> int | None:
    """The appearance of this article that a check's best match lies in, if it does."""
    if result is None or result.outcome.verdict is Verdict.NOT_FOUND or not result.outcome.matches:
        return None
    best = result.outcome.matches[0]
    if best.document.source_id != source_id:
        return None
    return next((span.appearance_id for span in best.spans if span.appearance_id is not None), None)

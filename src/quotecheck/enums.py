"""The enumerations of the domain; their member names are public (GraphQL enums, CLI options, JSON)."""

from __future__ import annotations

from enum import Enum

__all__ = [
    "ActorKind",
    "AliasKind",
    "AppearanceRelation",
    "FactCheckStatus",
    "InterviewKind",
    "Medium",
    "OutletKind",
    "ParticipantRole",
    "SourceKind",
    "SpeakerKind",
    "TokenRole",
    "Verdict",
]


class SpeakerKind(Enum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"


class AliasKind(Enum):
    """Why a speaker has this other name."""

    SPELLING = "SPELLING"  # a variant spelling or transliteration (Sergei / Sergey)
    SHORT_FORM = "SHORT_FORM"  # what a transcript or headline uses (LAVROV, FP)
    FULL_FORM = "FULL_FORM"  # a longer form with a middle initial or title (Susan B. Glasser)
    MERGED = "MERGED"  # the name of a duplicate speaker merged into this one
    OTHER = "OTHER"


class OutletKind(Enum):
    NEWSPAPER = "NEWSPAPER"
    MAGAZINE = "MAGAZINE"
    BROADCASTER = "BROADCASTER"
    NEWS_AGENCY = "NEWS_AGENCY"
    WEBSITE = "WEBSITE"
    WIRE = "WIRE"
    GOVERNMENT = "GOVERNMENT"
    OTHER = "OTHER"


class InterviewKind(Enum):
    """Speeches, debates and press conferences share the shape of an interview."""

    INTERVIEW = "INTERVIEW"
    SPEECH = "SPEECH"
    DEBATE = "DEBATE"
    PRESS_CONFERENCE = "PRESS_CONFERENCE"
    HEARING = "HEARING"
    OTHER = "OTHER"


class Medium(Enum):
    PRINT = "PRINT"
    VIDEO = "VIDEO"
    AUDIO = "AUDIO"
    LIVE = "LIVE"


class ParticipantRole(Enum):
    INTERVIEWER = "INTERVIEWER"
    INTERVIEWEE = "INTERVIEWEE"
    MODERATOR = "MODERATOR"
    TRANSLATOR = "TRANSLATOR"


class SourceKind(Enum):
    TRANSCRIPT = "TRANSCRIPT"
    ARTICLE = "ARTICLE"
    BRIEF = "BRIEF"
    BROADCAST = "BROADCAST"
    SOCIAL_POST = "SOCIAL_POST"
    PRESS_RELEASE = "PRESS_RELEASE"
    BOOK = "BOOK"
    OTHER = "OTHER"

    @property
    def is_primary(self) -> bool:
        """A transcript records the words as said; every other kind reports them."""
        return self is SourceKind.TRANSCRIPT


class AppearanceRelation(Enum):
    VERBATIM = "VERBATIM"
    EXCERPT = "EXCERPT"
    TRANSLATION = "TRANSLATION"
    PARAPHRASE = "PARAPHRASE"
    HEADLINE = "HEADLINE"


class Verdict(Enum):
    """Attribution verdicts (../shared/DESIGN.md, "Attribution verdicts")."""

    VERBATIM = "VERBATIM"
    VERBATIM_WITH_ELISIONS = "VERBATIM_WITH_ELISIONS"
    ALTERED = "ALTERED"
    PARAPHRASED = "PARAPHRASED"
    MISATTRIBUTED = "MISATTRIBUTED"
    NOT_FOUND = "NOT_FOUND"


class FactCheckStatus(Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    RETRACTED = "RETRACTED"


class TokenRole(Enum):
    """What a bearer token may do; each role may do everything the one before it may."""

    READER = "READER"  # read everything, drafts and the audit trail included
    EDITOR = "EDITOR"  # also create and change content, publish and retract fact-checks, import
    ADMIN = "ADMIN"  # also merge, delete and manage tokens

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]


_ROLE_RANK = {TokenRole.READER: 1, TokenRole.EDITOR: 2, TokenRole.ADMIN: 3}


class ActorKind(Enum):
    """Who made a change recorded in the audit trail."""

    TOKEN = "TOKEN"  # an API client, named by its token's name
    CLI = "CLI"  # a command run by a user of this machine

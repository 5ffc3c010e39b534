"""The domain model (see ../shared/DESIGN.md); importing this package registers every table."""

from quotecheck.models.appearance import Appearance
from quotecheck.models.audit import AuditEvent
from quotecheck.models.base import Base
from quotecheck.models.factcheck import Evidence, FactCheck
from quotecheck.models.interview import Interview, Participant
from quotecheck.models.outlet import Outlet
from quotecheck.models.quote import Quote
from quotecheck.models.search import include_object as include_search_object
from quotecheck.models.shingle import Shingle
from quotecheck.models.source import Source, Turn
from quotecheck.models.speaker import PossibleDuplicate, Speaker, SpeakerAlias, SpeakerRole
from quotecheck.models.token import ApiToken
from quotecheck.models.topic import Topic, quote_topic

__all__ = [
    "ApiToken",
    "Appearance",
    "AuditEvent",
    "Base",
    "Evidence",
    "FactCheck",
    "Interview",
    "Outlet",
    "Participant",
    "PossibleDuplicate",
    "Quote",
    "Shingle",
    "Source",
    "Speaker",
    "SpeakerAlias",
    "SpeakerRole",
    "Topic",
    "Turn",
    "include_search_object",
    "quote_topic",
]

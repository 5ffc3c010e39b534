"""Reading a person's name as it is written: what is the name, what is a title or a role, and when two
written names may be the same person. Pure text work (no database), shared by every path that reads a name:
transcript labels, the check's speaker, attributions in articles, the API's lookups.

The word lists are data (frozensets of folded words, see `quotecheck.text.name_key`), in English, French,
German and Spanish; extend them here, not with regular expressions elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from quotecheck.text import name_key

__all__ = [
    "GENERIC_WORDS",
    "HONORIFICS",
    "PARTICLES",
    "ROLE_WORDS",
    "NameMatch",
    "NameReading",
    "given_compatible",
    "is_generic_label",
    "name_match",
    "read_name",
    "reading_of",
    "surname_key",
]

# Honorifics: forms of address that say nothing of an office (folded, without dots).
HONORIFICS = frozenset(
    {
        # English
        "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir", "dame", "lord", "lady",
        "rev", "revd", "reverend", "hon", "honorable", "honourable", "the honorable", "fr", "father", "sister",
        "brother", "rabbi", "imam", "pastor", "bishop", "cardinal", "pope", "king", "queen", "prince",
        "princess", "gen", "general", "col", "colonel", "capt", "captain", "lt", "sgt", "adm", "admiral",
        "maj", "major", "cmdr", "commander",
        # French
        "m", "mm", "mme", "mmes", "mlle", "mlles", "monsieur", "madame", "mademoiselle", "me", "maitre",
        "pr", "docteur", "professeur", "pere", "abbe", "mgr", "monseigneur", "pasteur",
        # German
        "herr", "frau", "fraulein", "hr", "dipl", "ing", "pfarrer", "pfarrerin",
        # Spanish
        "sr", "sra", "srta", "senor", "senora", "senorita", "dona", "dra", "lic", "licenciado",
        "licenciada", "padre", "pastora", "don",
    }
)  # fmt: skip

# Words that head a role or office ("Foreign Minister", "la présidente", "Bürgermeisterin").
ROLE_WORDS = frozenset(
    {
        # English
        "president", "vice president", "vice", "minister", "prime", "premier", "chancellor", "secretary",
        "senator", "sen", "representative", "rep", "congressman", "congresswoman", "congressmember",
        "governor", "gov", "lt gov", "mayor", "councillor", "councilor", "councilman", "councilwoman",
        "alderman", "deputy", "ambassador", "commissioner", "chairman", "chairwoman", "chair", "chairperson",
        "speaker", "leader", "spokesman", "spokeswoman", "spokesperson", "director", "editor", "chief",
        "ceo", "founder", "attorney", "judge", "justice", "sheriff", "candidate", "nominee", "mp", "mep",
        "member", "head", "superintendent", "treasurer", "envoy", "diplomat", "correspondent", "anchor",
        "host", "reporter", "columnist", "presenter", "moderator", "officer", "inspector", "delegate",
        "assemblyman", "assemblywoman", "magistrate", "sec", "atty", "supt", "cllr", "coun",
        # French
        "ministre", "presidente", "maire", "mairesse", "conseiller", "conseillere", "depute",
        "deputee", "senateur", "senatrice", "porte", "porte parole", "directeur", "directrice", "redacteur",
        "redactrice", "ambassadeur", "ambassadrice", "chef", "secretaire", "premiere",
        "prefet", "prefete", "gouverneur", "juge", "dirigeant", "dirigeante", "fondateur", "fondatrice",
        "animateur", "animatrice", "journaliste", "commissaire", "eveque",
        # German
        "bundeskanzler", "bundeskanzlerin", "kanzler", "kanzlerin", "ministerin", "bundesminister",
        "bundesministerin", "aussenminister", "aussenministerin", "burgermeister", "burgermeisterin",
        "oberburgermeister", "oberburgermeisterin", "prasident", "prasidentin", "bundesprasident",
        "bundesprasidentin", "abgeordneter", "abgeordnete", "senatorin", "sprecher", "sprecherin",
        "vorsitzender", "vorsitzende", "ministerprasident", "ministerprasidentin", "botschafter",
        "botschafterin", "direktor", "direktorin", "chefredakteur", "chefredakteurin", "landrat",
        "landratin", "staatssekretar", "staatssekretarin",
        # Spanish
        "presidenta", "ministro", "ministra", "alcalde", "alcaldesa", "senador", "senadora", "diputado",
        "diputada", "concejal", "concejala", "gobernador", "gobernadora", "secretario", "secretaria",
        "portavoz", "embajador", "embajadora", "canciller", "directora", "jefe", "jefa",
        "vocero", "vocera", "consejero", "consejera", "juez", "jueza", "vicepresidente", "vicepresidenta",
    }
)  # fmt: skip

# Words that qualify a role without heading it ("former", "Russian", "Foreign", "U.S.", "the").
ROLE_QUALIFIERS = frozenset(
    {
        "the", "a", "an", "former", "ex", "then", "acting", "interim", "deputy", "assistant", "associate",
        "senior", "junior", "state", "federal", "foreign", "home", "interior", "defence", "defense",
        "finance", "health", "justice", "education", "labor", "labour", "energy", "trade", "treasury",
        "transport", "transportation", "agriculture", "commerce", "culture", "economy", "environment",
        "affairs", "us", "u s", "usa", "uk", "eu", "un", "united", "states", "nations", "national",
        "general", "regional", "municipal", "city", "county", "town", "district", "democratic",
        "republican", "independent", "majority", "minority", "party", "house", "white", "senate",
        "congress", "council", "committee", "executive", "managing", "chief", "prime", "vice", "first",
        "lead", "main", "new", "york", "times", "news", "magazine", "policy", "department", "ministry",
        "office", "government", "opposition", "conservative", "liberal", "green",
        # French
        "le", "la", "les", "l", "ancien", "ancienne", "etrangeres", "etranger", "interieur",
        "conseil", "regionale", "generale", "municipale", "nationale",
        "assemblee", "gouvernement", "affaires", "federale",
        # German
        "der", "die", "das", "ehemalige", "ehemaliger", "ehemalig", "stellvertretende",
        "stellvertretender", "russische", "russischer", "deutsche", "deutscher", "sozialdemokratische",
        # Spanish
        "el", "los", "las", "exministro", "exministra", "actual", "nacional", "asuntos", "exteriores",
        "gobierno",
    }
)  # fmt: skip

# Words linking a role to what it is a role of ("Minister of Foreign Affairs", "maire de Lyon").
ROLE_LINKS = frozenset({"of", "for", "at", "de", "du", "des", "d", "der", "fur", "von", "del", "y", "and", "et", "und", "in", "en", "im", "am", "la", "l"})  # fmt: skip

# Particles that belong to a surname ("de Gaulle", "van Gogh", "von der Leyen", "al-Assad").
PARTICLES = frozenset(
    {"de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la", "le", "van", "von",
     "vom", "zu", "zum", "zur", "ter", "ten", "te", "st", "bin", "ibn", "ben", "bint", "al", "el", "abu",
     "ap", "mac", "y", "d", "l"}
)  # fmt: skip

SUFFIXES = frozenset({"jr", "jnr", "sr", "snr", "ii", "iii", "iv", "phd", "md", "esq", "qc", "kc", "mp"})

# Words of labels that name nobody: "Question", "Audience Member 2", "Unidentified Female", "Note".
GENERIC_WORDS = frozenset(
    {
        "question", "questioner", "questions", "answer", "q", "a", "audience", "audience member", "member",
        "members", "crowd", "moderator", "moderators", "speaker", "speakers", "unidentified", "unknown",
        "unnamed", "anonymous", "note", "notes", "commercial", "commercials", "break", "male", "female",
        "man", "woman", "men", "women", "voice", "voices", "voiceover", "over", "announcer", "narrator",
        "participant", "participants", "panelist", "panellist", "several", "multiple", "all", "both",
        "others", "other", "group", "protester", "protesters", "heckler", "caller", "student", "students",
        "video", "clip", "sot", "vo", "applause", "laughter", "crosstalk", "inaudible", "interpreter", "translator", "off", "camera", "editor's", "editors", "transcript", "end",
        "unidentified speaker", "off camera", "voice over",
        "intervenant", "intervenante", "public", "question du public", "inconnu", "inconnue",
        "sprecher", "sprecherin", "frage", "publikum", "moderatorin", "moderador", "moderadora", "pregunta",
        "publico", "desconocido", "desconocida", "orador", "oradora",
    }
)  # fmt: skip

_FEMALE = frozenset(
    {
        "mrs", "ms", "miss", "dame", "lady", "queen", "princess", "sister", "congresswoman",
        "councilwoman", "chairwoman", "spokeswoman", "assemblywoman", "mme", "mmes", "madame", "mlle",
        "mademoiselle", "presidente", "ministre_f", "mairesse", "conseillere", "deputee", "senatrice",
        "directrice", "redactrice", "ambassadrice", "prefete", "premiere", "ancienne", "fondatrice",
        "animatrice", "dirigeante", "frau", "fraulein", "pfarrerin", "bundeskanzlerin", "kanzlerin",
        "ministerin", "bundesministerin", "aussenministerin", "burgermeisterin", "oberburgermeisterin",
        "prasidentin", "bundesprasidentin", "abgeordnete", "senatorin", "sprecherin", "vorsitzende",
        "ministerprasidentin", "botschafterin", "direktorin", "chefredakteurin", "landratin",
        "staatssekretarin", "sra", "srta", "senora", "senorita", "dona", "dra", "licenciada", "pastora",
        "presidenta", "ministra", "alcaldesa", "senadora", "diputada", "concejala", "gobernadora",
        "embajadora", "directora", "jefa", "vocera", "consejera", "jueza", "vicepresidenta",
    }
)  # fmt: skip
_MALE = frozenset(
    {
        "mr", "sir", "lord", "king", "prince", "father", "brother", "congressman", "councilman",
        "chairman", "spokesman", "assemblyman", "m", "mm", "monsieur", "senateur", "conseiller", "depute",
        "directeur", "redacteur", "ambassadeur", "herr", "hr", "pfarrer", "bundeskanzler", "burgermeister",
        "oberburgermeister", "prasident", "bundesprasident", "abgeordneter", "vorsitzender", "sr", "senor", "don", "ministro",
        "alcalde", "senador", "diputado", "gobernador", "embajador", "licenciado", "padre", "pere", "abbe",
    }
)  # fmt: skip

# Short and long forms of common given names: "Joe" may be "Joseph", "Bernie" "Bernard".
_GIVEN_FORMS: dict[str, frozenset[str]] = {
    short: frozenset(long.split())
    for short, long in {
        "joe": "joseph", "bernie": "bernard bernardo", "beto": "robert roberto", "bob": "robert",
        "bill": "william", "will": "william", "liz": "elizabeth", "beth": "elizabeth", "betsy": "elizabeth",
        "mike": "michael", "chuck": "charles", "charlie": "charles", "tom": "thomas", "pete": "peter",
        "jim": "james", "jimmy": "james", "dick": "richard", "rick": "richard", "rich": "richard",
        "andy": "andrew", "tony": "anthony", "dan": "daniel", "danny": "daniel", "dave": "david",
        "ed": "edward", "ted": "edward theodore", "al": "albert alan", "ron": "ronald", "don": "donald",
        "kate": "katherine catherine kathryn", "kathy": "katherine kathleen", "sue": "susan",
        "jen": "jennifer", "jenny": "jennifer", "nick": "nicholas", "sam": "samuel samantha",
        "alex": "alexander alexandra", "sergei": "sergey", "sasha": "alexander alexandra",
    }.items()
}  # fmt: skip

_PARTY_TAG = re.compile(
    r"[\s,]*\(?\b(?P<tag>[RDI]\s?-\s?[A-Z][A-Za-z]{1,3}\.?|[RDI])\)?\s*$"
)  # "R-IN", "D-Wis.", "(D-MA)", "(R)"
_INITIALS = re.compile(r"^(?:[^\W\d_]\.){2,4}$")  # "J.K." -> "J." "K."
_INITIAL = re.compile(r"^[^\W\d_]\.?$")
_NUMBERED = re.compile(r"^(?P<words>.*?)[\s#]*(?:\d+|[A-Z]|\(\d+\))$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NameReading:
    written: str  # the input with stray spaces collapsed, otherwise as written
    name: str  # the person's name without titles, roles or party tags ("Sergey Lavrov"); "" for a role alone
    given: tuple[str, ...]  # given names and initials as written ("E.", "J.", "K." or "Elizabeth")
    surname: str  # with particles and hyphens ("de Gaulle", "Dufresne-Arcan", "al-Assad")
    titles: tuple[str, ...]  # honorifics and titles as written ("Mayor", "Sen.", "Mme")
    role: str | None  # a role phrase around the name ("Russian Foreign Minister")
    suffix: str | None  # "Jr.", "III"
    gender: str | None  # "female"/"male" only when a title or role says so
    generic: bool  # "Question", "Moderator 2", "Speaker 1": a label that names nobody
    key: str  # name_key(name)
    surname_key: str  # name_key(surname)
    party: str | None = None  # a US party/state tag as written ("R-IN", "D-Wis")

    @property
    def role_key(self) -> str:
        return name_key(self.role or "")


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float  # 0..1: 1 is the same name
    reason: str


def _fold(token: str) -> str:
    return name_key(token).replace(" ", "")


def is_generic_label(text: str) -> bool:
    """A label that names nobody ("Question", "Audience Member 2", "Speaker 1", "Unidentified Female")."""
    written = _SPACES.sub(" ", text).strip().rstrip(":")
    numbered = _NUMBERED.match(written)
    if numbered and numbered["words"].strip():
        written = numbered["words"]
    key = name_key(written.replace("'", ""))
    if not key:
        return False
    if key in GENERIC_WORDS:
        return True
    return all(word in GENERIC_WORDS for word in key.split())


def _tokens(text: str) -> list[str]:
    return [token for token in text.split(" ") if token]


def _initials_apart(tokens: list[str]) -> list[str]:
    """ "J.K." -> "J.", "K." (in a name; "U.S." in a role stays whole)."""
    out: list[str] = []
    for token in tokens:
        if _INITIALS.match(token):
            out += [f"{letter}." for letter in token.split(".") if letter]
        elif token:
            out.append(token)
    return out


# Titles that are also common words or initials: honoured only in their language, or written with a dot.
_ONLY_IN = {"m": "fr", "me": "fr", "don": "es", "pr": "fr"}


def _is_title_word(token: str, *, language: str | None) -> bool:
    key = _fold(token)
    if key in _ONLY_IN:
        return language == _ONLY_IN[key]
    if len(key) <= 2 and key not in {"mr", "ms", "dr", "sr", "lt", "mp"} and not token.endswith("."):
        return False  # "Fr" without its dot may be an initial pair
    return key in HONORIFICS or key in ROLE_WORDS


def _split_name(tokens: list[str], language: str | None) -> tuple[tuple[str, ...], str]:
    """(given, surname) of the name's own tokens."""
    if not tokens:
        return (), ""
    start = len(tokens) - 1
    while start > 1 and _fold(tokens[start - 1]) in PARTICLES and not _INITIAL.match(tokens[start - 1]):
        start -= 1
    if start == 1 and _fold(tokens[0]) in PARTICLES and tokens[0][:1].islower():
        start = 0  # "de Gaulle", "von der Leyen" without a given name
    if language == "es" and start >= 2 and start == len(tokens) - 1 and not _INITIAL.match(tokens[-2]):
        start -= 1  # "Gabriel García Márquez": two surnames
    return tuple(tokens[:start]), " ".join(tokens[start:])


def _roleish(token: str, language: str | None, *, mixed: bool, country: bool = True) -> bool:
    """A word that may stand in a role phrase in front of a name."""
    key = _fold(token)
    if _INITIAL.match(token) and token[:1].isupper():
        return False
    if _is_title_word(token, language=language) or (country and _nationality(token)):
        return True
    if key in ROLE_QUALIFIERS and not (key in PARTICLES and token[:1].isupper()):
        return True
    return mixed and token[:1].islower() and key not in PARTICLES and not _INITIAL.match(token)


def _name_start(tokens: list[str], language: str | None, *, mixed: bool) -> int:
    """Where the person's name starts: after the last title or role word and what the role is of
    ("Minister of Foreign Affairs Sergey Lavrov", "maire de Lyon Jean Dupont"); len(tokens) for a role alone."""
    if (
        tokens
        and all(_roleish(t, language, mixed=mixed) or _fold(t) in ROLE_LINKS for t in tokens)
        and any(_is_title_word(t, language=language) for t in tokens)
    ):
        return len(tokens)  # "the Foreign Minister", "la présidente"
    last = max((i for i, t in enumerate(tokens[:-1]) if _is_title_word(t, language=language)), default=-1)
    if last < 0:
        cut = 0  # no title: only leading qualifiers ("former", "Russian") are set aside
        while cut < len(tokens) - 1 and _roleish(tokens[cut], language, mixed=mixed, country=False):
            cut += 1
        return cut
    cut = last + 1
    is_role = _fold(tokens[last]) in ROLE_WORDS
    if is_role and cut < len(tokens) - 1 and _fold(tokens[cut]) in ROLE_LINKS:
        while cut < len(tokens) - 1 and _fold(tokens[cut]) in ROLE_LINKS:
            cut += 1
        cut += 1  # what the role is of: at least one word
        while cut < len(tokens) - 1 and _fold(tokens[cut]) in ROLE_QUALIFIERS | ROLE_LINKS:
            cut += 1
    return min(cut, len(tokens))


def _gender(words: list[str], language: str | None) -> str | None:
    keys = {_fold(w) for w in words}
    if language in ("es", "it", "pt"):
        keys.discard("presidente")  # feminine in French, either in Spanish
    female, male = bool(keys & _FEMALE), bool(keys & _MALE)
    if female != male:
        return "female" if female else "male"
    return None


def _name_like(part: str) -> bool:
    """A comma-separated part that could be a name: capitalised words, particles and initials only."""
    tokens = _tokens(part)
    if not tokens or len(tokens) > 5:
        return False
    for token in tokens:
        key = _fold(token)
        if key in ROLE_WORDS or key in HONORIFICS or key in ROLE_QUALIFIERS - PARTICLES:
            return False
        if not (token[:1].isupper() or key in PARTICLES):
            return False
    return True


def read_name(text: str, *, language: str | None = None) -> NameReading:
    """Read a written name: the person's name, given names and surname, titles, role, suffix and tags."""
    written = _SPACES.sub(" ", text).strip()
    bare = written.rstrip(":").strip()
    if is_generic_label(bare):
        return NameReading(written, "", (), "", (), None, None, None, True, "", "")
    party = None
    tagged = _PARTY_TAG.search(bare)
    if tagged and tagged.start() > 0 and len(bare[: tagged.start()].split()) >= 1:
        head = bare[: tagged.start()].strip()
        if tagged["tag"].strip() not in {"R", "D", "I"} or "(" in tagged.group(0):
            party, bare = tagged["tag"].strip(), head
    role_parts: list[str] = []
    paren = re.search(r"\s*\(([^)]*)\)\s*$", bare)
    if paren and paren.start() > 0:
        role_parts.append(paren[1].strip())
        bare = bare[: paren.start()].strip()
    # Commas: "Warren, Elizabeth", "Susan Glasser, editor", "la présidente ..., Hélène Dufresne-Arcan".
    parts = [p.strip() for p in bare.split(",") if p.strip()]
    name_part = bare
    suffix_after = None
    if len(parts) > 1:
        if _fold(parts[-1]) in SUFFIXES:
            suffix_after = parts.pop()
        if len(parts) == 2 and _name_like(parts[0]) and _name_like(parts[1]) and len(_tokens(parts[0])) <= 2:
            name_part = f"{parts[1]} {parts[0]}"  # "Surname, Given"
        elif len(parts) >= 2:
            likes = [i for i, p in enumerate(parts) if _name_like(p)]
            pick = likes[0] if likes and likes[0] == 0 else (likes[-1] if likes else len(parts) - 1)
            name_part = parts[pick]
            role_parts = [p for i, p in enumerate(parts) if i != pick] + role_parts
        else:
            name_part = parts[0]
    tokens = _tokens(name_part)
    suffix_token = None
    if len(tokens) > 1 and _fold(tokens[-1]) in SUFFIXES:
        suffix_token = tokens.pop()
    cut = _name_start(tokens, language, mixed=name_part not in (name_part.upper(), name_part.lower()))
    prefix, name_tokens = tokens[:cut], _initials_apart(tokens[cut:])
    titles = tuple(
        t for t in [*prefix, *_tokens(" ".join(role_parts))] if _is_title_word(t, language=language)
    )
    honorific_only = all(_fold(t) in HONORIFICS and _fold(t) not in ROLE_WORDS for t in prefix)
    role_words = [] if honorific_only else [" ".join(prefix)]
    role = ", ".join(w for w in [*role_words, *role_parts] if w) or None
    given, surname = _split_name(name_tokens, language)
    suffix = suffix_after or suffix_token
    name = " ".join(name_tokens)
    gender = _gender(list(prefix) + _tokens(" ".join(role_parts)), language)
    return NameReading(
        written=written,
        name=name,
        given=given,
        surname=surname,
        titles=titles,
        role=role,
        suffix=suffix,
        gender=gender,
        generic=False,
        key=name_key(name),
        surname_key=name_key(surname),
        party=party,
    )


_COUNTRY_WORDS = frozenset(
    {"us", "uk", "eu", "un", "french", "dutch", "german", "american", "canadian", "mexican", "african",
     "greek", "thai", "swiss", "israeli", "iraqi", "saudi", "pakistani", "afghan", "irish", "scottish",
     "welsh", "polish", "turkish", "spanish", "danish", "swedish", "finnish", "chinese", "japanese",
     "lebanese", "portuguese", "francais", "francaise", "allemand", "allemande", "russe", "americain",
     "americaine", "quebecois", "quebecoise", "espanol", "espanola", "deutsche", "deutscher"}
)  # fmt: skip


def _nationality(token: str) -> bool:
    """'Russian', 'French', 'U.S.': an adjective of a country in front of a role."""
    key = _fold(token)
    return key in _COUNTRY_WORDS or (token[:1].isupper() and len(key) > 5 and key.endswith(("ian", "ean")))


def _is_initial(given: str) -> bool:
    return bool(_INITIAL.match(given)) or (len(_fold(given)) == 1)


def given_compatible(a: str, b: str) -> str | None:
    """How two given names may be one: "same", "initial", "short form"; None when they conflict."""
    ka, kb = _fold(a), _fold(b)
    if not ka or not kb:
        return "same"
    if ka == kb:
        return "same"
    if _is_initial(a) or _is_initial(b):
        return "initial" if ka[0] == kb[0] else None
    if kb in _GIVEN_FORMS.get(ka, frozenset()) or ka in _GIVEN_FORMS.get(kb, frozenset()):
        return "short form"
    return None


def _surnames_agree(a: NameReading, b: NameReading) -> bool:
    """Same surname, with or without its particles, or one of two surnames ("Díaz Ayuso", "Ayuso")."""
    if a.surname_key == b.surname_key:
        return True
    wa, wb = ({w for w in r.surname_key.split() if w not in PARTICLES} for r in (a, b))
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


def name_match(a: NameReading, b: NameReading) -> NameMatch | None:
    """Whether two written names may be the same person, how sure, and why; None when they cannot be."""
    if a.generic or b.generic or not a.key or not b.key:
        return None
    if a.gender and b.gender and a.gender != b.gender:
        return None
    if a.suffix and b.suffix and _fold(a.suffix) != _fold(b.suffix):
        return None
    if a.key == b.key:
        return NameMatch(
            1.0, "same name" if a.written == b.written else "same name once titles are set aside"
        )
    if not _surnames_agree(a, b):
        return None
    if not a.given or not b.given:
        return NameMatch(0.6, "same surname, no given name to compare")
    how = [given_compatible(x, y) for x, y in zip(a.given, b.given, strict=False)]
    if how[0] is None:
        return None
    if any(h is None for h in how[1:]):
        return NameMatch(0.5, "same first given name and surname, other given names differ")
    if "initial" in how:
        return NameMatch(0.9, "initials compatible with the given names")
    if "short form" in how:
        return NameMatch(0.85, "a short form or spelling of the given name")
    if len(a.given) != len(b.given):
        return NameMatch(0.9, "same given name and surname, a middle name on one side only")
    return NameMatch(0.95, "same name once punctuation is set aside")


@lru_cache(maxsize=8192)
def reading_of(text: str) -> NameReading:
    """`read_name` without a language, remembered: stored names are read again at every lookup."""
    return read_name(text)


def surname_key(text: str) -> str:
    """The folded surname of a written name, as stored for index lookups ("Senator Warren" -> "warren")."""
    return reading_of(text).surname_key

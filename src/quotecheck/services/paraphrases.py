"""Candidate passages for a paraphrase, through the search index: no window of "latest" text.

The index (`quotecheck.services.index`) holds, besides the pairs of words the exact check looks up, one term
per content word's lemma or amount ("=leave", "=#14000000"), at its position. For a claim:

1. The names in it that the database knows (speakers' names and aliases: "Ford Motor Company" ~ "Ford") give
   alias keys, so that any of a person's names counts as the same term.
2. How many places hold each of the claim's terms is counted, capped at `COMMON` (one short index-only read
   per term); a rare term weighs more (an inverse document frequency) and is looked up first, common ones
   only while the budget of `HITS` index rows lasts.
3. The hits are grouped into windows of about a sentence or two; the windows holding the most weight are cut
   out of their sources, with the turns (or quoted spans) they cover, and `quotecheck.paraphrase` scores
   their sentences, the claimed speaker's own first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from quotecheck.matching import Document
from quotecheck.models import Shingle, Source, Speaker, SpeakerAlias
from quotecheck.paraphrase import tokens, weight
from quotecheck.services.index import shingle_hash
from quotecheck.services.passages import window_documents
from quotecheck.text import name_key

__all__ = ["COMMON", "HITS", "Candidates", "candidates"]

COMMON = 500  # places a term is counted in, at most: beyond this it is common (and read at most this often)
HITS = 2000  # index rows read per check, rarest terms first
WINDOWS = 12  # passages cut out and scored
SCALE = 50_000  # the corpus size the weights assume (a term in 1 place of 50,000 weighs ~10.8, in 2,000 ~3.3)
MARGIN = 200  # characters around a window, so that its sentences are whole
MAX_NAME = 4  # words in a name looked up


@dataclass(slots=True)
class Candidates:
    documents: list[Document]
    aliases: dict[tuple[str, ...], str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    unindexed: bool = False  # the index holds none of the claim's terms


def _aliases(session: Session, claim: str, speaker_id: int | None) -> dict[tuple[str, ...], str]:
    """Every name of the people and organisations the claim names (and of the claimed speaker)."""
    words = [re.sub(r"['’]s$", "", word) for word in claim.split()]  # "Trump's" names Trump
    grams = set()
    for i, word in enumerate(words):
        if not word[:1].isupper():
            continue
        for size in range(1, MAX_NAME + 1):
            key = name_key(" ".join(words[i : i + size]))
            if key and len(words[i : i + size]) == size:
                grams.add(key)
    named = select(Speaker.id).where(Speaker.name_key.in_(grams)) if grams else None
    aliased = select(SpeakerAlias.speaker_id).where(SpeakerAlias.name_key.in_(grams)) if grams else None
    ids: set[int] = {speaker_id} if speaker_id is not None else set()
    if named is not None and aliased is not None:
        ids |= set(session.scalars(union_all(named, aliased)))
    if not ids:
        return {}
    names = session.execute(
        union_all(
            select(Speaker.id, Speaker.name_key).where(Speaker.id.in_(ids)),
            select(SpeakerAlias.speaker_id, SpeakerAlias.name_key).where(SpeakerAlias.speaker_id.in_(ids)),
        )
    ).all()
    return {tuple(key.split()): f"@{owner}" for owner, key in names if key}


def candidates(session: Session, claim: str, speaker_id: int | None, language: str | None) -> Candidates:
    """The passages most likely to carry the claim's sense, with the aliases and weights to score them."""
    aliases = _aliases(session, claim, speaker_id)
    claim_terms = [t for t in tokens(claim, language, aliases) if t.content]
    # term -> the index terms standing for it (an alias key: the words of each of its names)
    lookups: dict[str, set[str]] = defaultdict(set)
    for claimed in claim_terms:
        if claimed.key.startswith("@"):
            for name, bearer in aliases.items():
                if bearer == claimed.key:
                    lookups[claimed.key] |= {
                        f"={t.key}" for t in tokens(" ".join(name), language) if t.content
                    }
        else:
            lookups[claimed.key].add(f"={claimed.key}")
    hashes = {indexed: shingle_hash(indexed) for wanted in lookups.values() for indexed in wanted}
    if not hashes:
        return Candidates([], aliases, unindexed=True)
    counted = union_all(
        *(
            select(literal(h).label("hash"), func.count().label("places")).select_from(
                select(Shingle.position).where(Shingle.hash == h).limit(COMMON).subquery()
            )
            for h in hashes.values()
        )
    )
    places = {int(row.hash): int(row.places) for row in session.execute(select(counted.subquery()))}
    if not any(places.values()):
        return Candidates([], aliases, unindexed=True)
    weights: dict[str, float] = {}
    for term, indexed in lookups.items():
        found = [places.get(hashes[i], 0) for i in indexed]
        weights[term] = weight(min(found) if found else COMMON, SCALE)
    # The rarest terms first, while the budget of index rows lasts.
    budget, wanted = HITS, list[tuple[int, str]]()
    for term, indexed in sorted(lookups.items(), key=lambda item: -weights[item[0]]):
        cost = sum(places.get(hashes[i], 0) for i in indexed)
        if cost == 0:
            continue
        if cost > budget and len(wanted) >= 3:
            continue
        budget -= cost
        wanted += [(hashes[i], term) for i in indexed]
    owner = dict(wanted)
    hits: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not owner:
        return Candidates([], aliases, weights)
    # Each term's places, at most COMMON of them (a common term's count stopped there, and so do its hits).
    parts = [
        select(Shingle.source_id, Shingle.position, Shingle.hash)
        .where(Shingle.hash == h)
        .limit(COMMON)
        .subquery()
        for h in owner
    ]
    capped = union_all(*(select(part.c.source_id, part.c.position, part.c.hash) for part in parts))
    for source_id, position, hashed in session.execute(select(capped.subquery())):
        hits[source_id].append((position, owner[hashed]))
    width = max(400, 3 * len(claim))
    scored: list[tuple[float, int, int, int]] = []  # (weight, source, start, end)
    for source_id, found_hits in hits.items():
        found_hits.sort()
        for i, (position, _) in enumerate(found_hits):
            terms: set[str] = set()
            last = position
            for other, term in found_hits[i:]:
                if other - position > width:
                    break
                terms.add(term)
                last = other
            if len(terms) >= 2:
                scored.append((sum(weights[t] for t in terms), source_id, position, last))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    windows: list[tuple[int, int, int]] = []
    for _, source_id, start, end in scored:
        lo, hi = max(0, start - MARGIN), end + MARGIN
        if any(sid == source_id and lo < end_ and start_ < hi for sid, start_, end_ in windows):
            continue
        windows.append((source_id, lo, hi))
        if len(windows) == WINDOWS:
            break
    return Candidates(_cut(session, windows, language), aliases, weights)


def _cut(session: Session, windows: list[tuple[int, int, int]], language: str | None) -> list[Document]:
    """The windows' text and the turns (or quoted spans) in them, as documents."""
    if not windows:
        return []
    query = select(Source.id, Source.title, Source.kind).where(
        Source.id.in_({w[0] for w in windows}), Source.text.is_not(None)
    )
    if language:
        query = query.where((Source.language == language) | Source.language.is_(None))
    sources = {row.id: row for row in session.execute(query)}
    windows = [w for w in windows if w[0] in sources]
    if not windows:
        return []
    return window_documents(session, sources, windows)

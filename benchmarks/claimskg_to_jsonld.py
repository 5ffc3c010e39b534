"""ClaimsKG's sample CSVs as ClaimReview JSON-LD, imported into a temporary database.

Not a test (the data is research data kept outside the project): it reads ../shared/data/claimskg_samples/*.csv
at run time, turns each row into a schema.org ClaimReview, imports each file with `quotecheck import
claimreview`'s service, and prints how many landed and every rejected record with its reason.

    .venv/bin/python benchmarks/claimskg_to_jsonld.py [--data DIR] [--out FILE.jsonl] [--database-url URL]

How the columns map. ClaimsKG names its columns after ClaimReview (claimReview_*, rating_*) and the claim
(creativeWork_*), but the extractors fill creativeWork_author_name differently, as the samples show: AFP and
Vishvas News put the claimant there ("Facebook user ..."), Fatabyyano its own name, and the others the writer
of the fact-check (their claimReview_author_url is that writer's staff page). So it becomes the claim's author
only for the first two (and not when it names no one: "Multiple sources"), and the review's creator for the
others. Vishvas News wraps every value in an extra pair of straight quotes; one such pair is removed.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from quotecheck import migrate
from quotecheck.db import make_engine, session_scope
from quotecheck.services.claimreview import import_claim_reviews
from quotecheck.settings import database_urls

DATA = Path(__file__).resolve().parents[2] / "shared/data/claimskg_samples"
CLAIMANT_IN_CREATIVE_WORK = {"afpfactcheck", "vishvasnews"}
NAMES_NO_ONE = re.compile(r"^(multiple|multiples|various)\b", re.IGNORECASE)

csv.field_size_limit(sys.maxsize)


def clean(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1]:
        text = text[1:-1].strip()
    return text


def as_claim_review(row: dict[str, str], site: str) -> dict[str, Any]:
    """One CSV row as ClaimReview JSON-LD; empty columns are left out, so the importer sees what is missing."""
    get = {key: clean(value) for key, value in row.items()}
    review: dict[str, Any] = {"@context": "https://schema.org", "@type": "ClaimReview"}
    for key, column in (
        ("url", "claimReview_url"),
        ("claimReviewed", "claimReview_claimReviewed"),
        ("datePublished", "claimReview_datePublished"),
    ):
        if get[column]:
            review[key] = get[column]
    if get["claimReview_author_name"]:
        review["author"] = {"@type": "Organization", "name": get["claimReview_author_name"]}
    rating: dict[str, Any] = {"@type": "Rating"}
    for key, column in (
        ("ratingValue", "rating_ratingValue"),
        ("bestRating", "rating_bestRating"),
        ("worstRating", "rating_worstRating"),
        ("alternateName", "rating_alternateName"),
    ):
        if get[column]:
            rating[key] = get[column]
    review["reviewRating"] = rating
    claim: dict[str, Any] = {"@type": "Claim"}
    if get["creativeWork_datePublished"]:
        claim["datePublished"] = get["creativeWork_datePublished"]
    name = get["creativeWork_author_name"]
    if site in CLAIMANT_IN_CREATIVE_WORK:
        if name and not NAMES_NO_ONE.match(name):
            author: dict[str, Any] = {"@type": "Person", "name": name}
            if get["creativeWork_author_sameAs"]:
                author["sameAs"] = get["creativeWork_author_sameAs"]
            claim["author"] = author
    elif name and name.casefold() != get["claimReview_author_name"].casefold():
        review["creator"] = {"@type": "Person", "name": name}
    reviewers = get["claimReview_author"]
    if reviewers and "creator" not in review:
        review["creator"] = {"@type": "Person", "name": reviewers}
    review["itemReviewed"] = claim
    return review


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the folder of ClaimsKG CSVs")
    parser.add_argument("--out", type=Path, help="also write the JSON-LD here, one ClaimReview a line")
    parser.add_argument("--database-url", help="an empty database; default: a temporary SQLite file")
    args = parser.parse_args()
    files = sorted(args.data.glob("*.csv"))
    if not files:
        raise SystemExit(f"no CSV files in {args.data}; give the ClaimsKG samples folder with --data")

    converted: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        site = path.stem.removeprefix("output_sample_")
        with path.open(encoding="utf-8", newline="") as handle:
            converted[path.name] = [as_claim_review(row, site) for row in csv.DictReader(handle)]
    if args.out:
        with args.out.open("w", encoding="utf-8") as out:
            for reviews in converted.values():
                out.writelines(json.dumps(review, ensure_ascii=False) + "\n" for review in reviews)

    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite:///{directory}/claimskg.db"
        migrate.upgrade(migrate.alembic_config(url), "head")
        engine = make_engine(database_urls(url))
        totals = {"read": 0, "added": 0, "updated": 0, "rejected": 0, "notes": 0}
        started = time.perf_counter()
        try:
            for name, reviews in converted.items():
                with session_scope(engine, write=True) as session:
                    report = import_claim_reviews(session, reviews)
                print(
                    f"{name}: {report.read} read, {report.added} added, {report.updated} updated "
                    f"(the same review URL again), {len(report.rejected)} rejected"
                )
                for problem in report.rejected:
                    print(f"  rejected row {problem}")
                for problem in report.warnings:
                    print(f"  note row {problem}")
                totals["read"] += report.read
                totals["added"] += report.added
                totals["updated"] += report.updated
                totals["rejected"] += len(report.rejected)
                totals["notes"] += len(report.warnings)
        finally:
            engine.dispose()
        seconds = time.perf_counter() - started
    print(
        f"\nall {len(files)} files: {totals['read']} records read, {totals['added']} fact-checks added, "
        f"{totals['updated']} updates of a review already read, {totals['rejected']} rejected, "
        f"{totals['notes']} landed with a note; {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()

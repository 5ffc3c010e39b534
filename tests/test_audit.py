"""The audit trail: append-only in the database, written with every change or the commit is refused, read
through `auditEvents`, `history` and `quotecheck audit`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from quotecheck.db import session_scope
from quotecheck.models import AuditEvent, Topic
from quotecheck.services import audit
from quotecheck.services.speakers import create_speaker
from tests.conftest import GraphQLClient, seeding
from tests.counts import table_counts
from tests.test_cli import run


def test_events_can_never_be_changed_or_deleted(scratch_engine: Engine) -> None:
    with seeding(scratch_engine) as session:
        create_speaker(session, name="Ama Osei")
    for statement in (update(AuditEvent).values(actor="someone else"), delete(AuditEvent)):
        with pytest.raises(DBAPIError, match="audit events are never changed or deleted"):  # noqa: SIM117
            with scratch_engine.begin() as connection:
                connection.execute(statement)
    with scratch_engine.connect() as connection:
        assert connection.execute(select(AuditEvent.actor)).scalars().all() == ["cli:tests"]


def test_a_change_without_an_event_is_never_committed(scratch_engine: Engine) -> None:
    with (
        pytest.raises(RuntimeError, match="recorded no audit event"),
        session_scope(scratch_engine, write=True) as session,
    ):
        session.add(Topic(name="Harbours", slug="harbours"))
    with (  # noqa: PT012
        pytest.raises(RuntimeError, match="recorded no audit event"),
        session_scope(scratch_engine, write=True) as session,
    ):
        session.execute(text("SELECT 1"))
        session.execute(update(Topic).values(name="x"))  # a bulk statement counts as a write
    with session_scope(scratch_engine) as session:
        assert table_counts(session.connection())["topic"] == 0
    with session_scope(scratch_engine, write=True) as session:
        session.add(Topic(name="Harbours", slug="harbours"))
        audit.record(session, "seed")
    with session_scope(scratch_engine, write=True) as session:  # reading only needs no event
        session.scalar(select(func.count()).select_from(Topic))


def test_reading_the_trail_through_the_api(
    editor_api: GraphQLClient, admin_api: GraphQLClient, tokens: dict[str, str]
) -> None:
    create = (
        "mutation($n: String!) { createSpeaker(input: {name: $n}) { speaker { id } userErrors { code } } }"
    )
    sent = editor_api.post(create, {"n": "Ama Osei"}, headers={"X-Request-ID": "desk-42"})
    first = sent.json()["data"]["createSpeaker"]["speaker"]["id"]
    admin_api.query(create, {"n": "Kofi Osei"})
    reader = editor_api.with_token(tokens["READER"])
    page = reader.query(
        "query($id: ID!) { auditEvents(filter: {objectId: $id}) { totalCount edges { node { "
        "operation actor requestId objectId after } } } }",
        {"id": first},
    )["auditEvents"]
    assert page["totalCount"] == 1
    (event,) = (edge["node"] for edge in page["edges"])
    assert event["requestId"] == "desk-42"
    assert (event["operation"], event["actor"], event["objectId"]) == ("createSpeaker", "editor-token", first)
    assert event["after"]["name"] == "Ama Osei"
    by_admin = reader.query('{ auditEvents(filter: {actor: "admin-token"}) { edges { node { after } } } }')
    assert [e["node"]["after"]["name"] for e in by_admin["auditEvents"]["edges"]] == ["Kofi Osei"]
    creates = reader.query('{ auditEvents(filter: {operation: "createSpeaker"}) { totalCount } }')
    assert creates["auditEvents"]["totalCount"] == 2
    latest = reader.query("{ auditEvents(last: 1) { edges { node { actor } } } }")["auditEvents"]["edges"]
    assert latest == [{"node": {"actor": "admin-token"}}]
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    later = reader.query(
        "query($t: DateTime!) { auditEvents(filter: {since: $t}) { totalCount } }", {"t": future}
    )
    assert later["auditEvents"]["totalCount"] == 0
    naive = reader.errors(
        "query($t: DateTime!) { auditEvents(filter: {since: $t}) { totalCount } }",
        {"t": "2026-01-01T00:00:00"},
    )
    assert "time zone" in naive[0]["message"]
    # No mutation edits an event.
    mutations = reader.query("{ __schema { mutationType { fields { name } } } }")["__schema"]["mutationType"]
    assert not [f["name"] for f in mutations["fields"] if "audit" in f["name"].lower()]


def test_quotecheck_audit_on_the_command_line(scratch_engine: Engine, scratch_url: str) -> None:
    with seeding(scratch_engine) as session:
        speaker = create_speaker(session, name="Ama Osei")
        audit.record(session, "createSpeaker", speaker)
        key = speaker.id
    shown = run("audit", url=scratch_url)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(f"cli:tests createSpeaker Speaker:{key} v1")
    assert lines[1].endswith("cli:tests seed")
    as_json = run("audit", "--object", audit.ref("Speaker", key) or "", "--json", url=scratch_url)
    (record,) = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert record["after"]["name"] == "Ama Osei" and record["objectId"] == audit.ref("Speaker", key)
    plain = run("audit", "--object", f"Speaker:{key}", url=scratch_url)
    assert plain.stdout.splitlines() == lines[:1]
    none = run("audit", "--since", "2999-01-01", url=scratch_url)
    assert none.returncode == 0 and none.stdout == "" and "no audit events" in none.stderr
    bad = run("audit", "--since", "last week", url=scratch_url)
    assert bad.returncode == 2 and "is not a date" in bad.stderr
    missing = run("audit", "--object", "nonsense", url=scratch_url)
    assert missing.returncode == 2 and "not a quotecheck ID" in missing.stderr


def test_imports_record_one_event_each(scratch_engine: Engine, scratch_url: str, tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "talk.txt"
    path.write_text("HOST: Welcome.\nOSEI: The harbour reopens in June.\n", encoding="utf-8")
    done = run("import", "transcript", str(path), "--title", "Harbour talk", url=scratch_url)
    assert done.returncode == 0, done.stderr
    again = run("import", "transcript", str(path), "--title", "Harbour talk", url=scratch_url)
    assert again.returncode == 0, again.stderr
    with session_scope(scratch_engine) as session:
        events = list(session.scalars(select(AuditEvent)))
    (event,) = events  # the second import changed nothing, so recorded nothing
    assert event.operation == "importTranscript" and event.actor.startswith("cli:")
    assert event.object_type == "Source" and event.detail is not None and event.detail["turns"] == 2
    assert len(event.detail["newSpeakers"]) == 2

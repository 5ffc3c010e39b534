"""Speaker mutations through HTTP: create, update with versions, concurrent updates, refused and allowed
deletes, merges that move everything and are audited."""

from __future__ import annotations

from typing import Any

import anyio
from sqlalchemy import Engine, func, select

from quotecheck.db import session_scope
from quotecheck.models import AuditEvent, Quote, Speaker, Turn
from quotecheck.services import audit
from quotecheck.services.quotes import create_quote
from quotecheck.services.speakers import create_speaker
from quotecheck.services.transcripts import import_transcript, parse_transcript
from tests.conftest import GraphQLClient, seeding
from tests.counts import table_counts

FIELDS = (
    "id version name kind wikidataId description aliases { name kind language } "
    "roles { title organization from { iso } to { iso } note }"
)
CREATE = f"""
mutation($input: CreateSpeakerInput!) {{
  createSpeaker(input: $input) {{ speaker {{ {FIELDS} }} userErrors {{ field message code currentVersion }} }}
}}"""
UPDATE = f"""
mutation($input: UpdateSpeakerInput!) {{
  updateSpeaker(input: $input) {{ speaker {{ {FIELDS} }} userErrors {{ field message code currentVersion }} }}
}}"""
DELETE = """
mutation($input: DeleteInput!) { deleteSpeaker(input: $input) { deletedId userErrors { field message code } } }"""
MERGE = f"""
mutation($input: MergeSpeakersInput!) {{
  mergeSpeakers(input: $input) {{ speaker {{ {FIELDS} }} userErrors {{ field message code }} }}
}}"""
HISTORY = """
query($id: ID!) {
  node(id: $id) { ... on Speaker { history { totalCount edges { node {
    operation actor actorKind objectId objectVersion before after changes { field before after } requestId
  } } } } }
}"""


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return table_counts(session.connection())


def _create(api: GraphQLClient, **fields: Any) -> dict[str, Any]:
    payload = api.query(CREATE, {"input": fields})["createSpeaker"]
    assert payload["userErrors"] == [], payload
    speaker: dict[str, Any] = payload["speaker"]
    return speaker


def test_create_then_update_then_history(editor_api: GraphQLClient, tokens: dict[str, str]) -> None:
    made = _create(
        editor_api,
        name="Sergey Lavrov",
        wikidataId="q150851",
        aliases=[{"name": "Sergei Lavrov"}],
        roles=[{"title": "Minister of Foreign Affairs", "organization": "Russia", "from": "2004-03-09"}],
    )
    assert made["version"] == 1
    assert made["wikidataId"] == "Q150851"
    assert made["aliases"] == [{"name": "Sergei Lavrov", "kind": "SPELLING", "language": None}]
    changed = editor_api.query(
        UPDATE,
        {"input": {"id": made["id"], "version": 1, "description": "Russian diplomat", "aliases": []}},
    )["updateSpeaker"]
    assert changed["userErrors"] == []
    speaker = changed["speaker"]
    assert speaker["version"] == 2
    assert speaker["description"] == "Russian diplomat"
    assert speaker["aliases"] == []
    assert speaker["name"] == "Sergey Lavrov"  # absent fields stay as they were
    assert speaker["roles"] == made["roles"]

    history = editor_api.query(HISTORY, {"id": made["id"]})["node"]["history"]
    assert history["totalCount"] == 2
    create, update = (edge["node"] for edge in history["edges"])
    assert (create["operation"], create["actor"], create["actorKind"]) == (
        "createSpeaker",
        "editor-token",
        "TOKEN",
    )
    assert create["before"] is None
    assert create["after"]["aliases"] == [{"name": "Sergei Lavrov", "kind": "SPELLING", "language": None}]
    assert create["objectId"] == made["id"] and create["objectVersion"] == 1
    assert update["before"] == create["after"]
    assert update["after"]["description"] == "Russian diplomat"
    assert update["objectVersion"] == 2
    assert sorted(change["field"] for change in update["changes"]) == ["aliases", "description"]
    assert update["requestId"]
    # Several fields (one of them looked up for uniqueness) and a list at once: the version moves by one.
    again = editor_api.query(
        UPDATE,
        {
            "input": {
                "id": made["id"],
                "version": 2,
                "name": "Sergei Lavrov",
                "wikidataId": "Q150852",
                "roles": [],
                "aliases": [{"name": "Lavrov"}],
            }
        },
    )["updateSpeaker"]
    assert again["userErrors"] == [] and again["speaker"]["version"] == 3
    # Anonymous clients see the speaker but not its history.
    anonymous = editor_api.with_token(None).post(HISTORY, {"id": made["id"]}).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_stale_version_is_a_conflict_with_the_current_one(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    made = _create(editor_api, name="Ama Osei")
    editor_api.query(UPDATE, {"input": {"id": made["id"], "version": 1, "description": "Harbour master"}})
    before = _counts(scratch_engine)
    stale = editor_api.query(UPDATE, {"input": {"id": made["id"], "version": 1, "name": "A. Osei"}})[
        "updateSpeaker"
    ]
    (error,) = stale["userErrors"]
    assert (error["code"], error["field"], error["currentVersion"]) == ("CONFLICT", "version", 2)
    assert "version 2" in error["message"] and "reload" in error["message"]
    assert stale["speaker"]["version"] == 2 and stale["speaker"]["name"] == "Ama Osei"
    assert _counts(scratch_engine) == before  # no write, no audit event


def test_bad_input_is_a_user_error_on_its_field(editor_api: GraphQLClient, scratch_engine: Engine) -> None:
    made = _create(editor_api, name="Ama Osei", wikidataId="Q42")
    other = _create(editor_api, name="Kofi Osei")
    before = _counts(scratch_engine)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"name": "  "}, "name", "INVALID"),
        ({"wikidataId": "42"}, "wikidataId", "INVALID"),
        ({"wikidataId": "Q42"}, "wikidataId", "CONFLICT"),
        ({"roles": [{"title": "Mayor", "from": "2020", "to": "2019"}]}, "role", "INVALID"),
        ({"roles": [{"title": "Mayor", "from": "2020-13"}]}, "started", "INVALID"),
        ({"aliases": [{"name": "Ama", "language": "not a tag"}]}, "language", "INVALID"),
    ]
    for change, field, code in cases:
        payload = editor_api.query(UPDATE, {"input": {"id": other["id"], "version": 1, **change}})[
            "updateSpeaker"
        ]
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)], change
    wrong_type = editor_api.query(UPDATE, {"input": {"id": "bm90IGFuIGlk", "version": 1}})["updateSpeaker"]
    assert [(e["field"], e["code"]) for e in wrong_type["userErrors"]] == [("id", "BAD_USER_INPUT")]
    missing = editor_api.query(
        UPDATE, {"input": {"id": made["id"].replace(made["id"], "U3BlYWtlcjo5OTk"), "version": 1}}
    )["updateSpeaker"]
    assert [e["code"] for e in missing["userErrors"]] == ["NOT_FOUND"]
    assert _counts(scratch_engine) == before


def test_two_clients_updating_one_speaker_with_one_version(
    editor_api: GraphQLClient, tokens: dict[str, str], scratch_engine: Engine
) -> None:
    """Sent at the same moment, on the same version: exactly one wins, the other gets CONFLICT."""
    made = _create(editor_api, name="Ama Osei")
    other = editor_api.with_token(tokens["ADMIN"])
    results: list[dict[str, Any]] = []

    async def both() -> None:
        async def send(client: GraphQLClient, name: str) -> None:
            response = await client.http.post(
                "/graphql",
                json={
                    "query": UPDATE,
                    "variables": {"input": {"id": made["id"], "version": 1, "name": name}},
                },
                headers={"Authorization": f"Bearer {client.token}"},
            )
            results.append(response.json()["data"]["updateSpeaker"])

        async with anyio.create_task_group() as group:
            group.start_soon(send, editor_api, "Ama K. Osei")
            group.start_soon(send, other, "Ama Kofi Osei")

    editor_api.portal.call(both)
    won = [r for r in results if not r["userErrors"]]
    lost = [r for r in results if r["userErrors"]]
    assert len(won) == 1 and len(lost) == 1, results
    assert [e["code"] for e in lost[0]["userErrors"]] == ["CONFLICT"]
    assert lost[0]["speaker"]["version"] == 2
    assert lost[0]["speaker"]["name"] == won[0]["speaker"]["name"]
    with session_scope(scratch_engine) as session:
        updates = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.operation == "updateSpeaker")
        )
    assert updates == 1


def _seed_quoted(engine: Engine) -> tuple[int, int]:
    """A speaker with a quote, turns and an interview part, and an unused duplicate of it."""
    with seeding(engine) as session:
        lavrov = create_speaker(session, name="Sergey Lavrov", wikidata_id="Q150851", aliases=["Lavrov"])
        create_quote(session, speaker=lavrov, text="NATO has lost its raison d'être.")
        import_transcript(
            session,
            parse_transcript("GLASSER: Thank you.\nLAVROV: NATO has lost its raison d'être."),
            title="FP interview",
            interviewees=["Sergey Lavrov"],
            interviewers=["Susan Glasser"],
        )
        duplicate = create_speaker(
            session, name="Sergei Lavrov", aliases=["S. Lavrov"], description="Foreign minister"
        )
        create_quote(session, speaker=duplicate, text="The law of politics.")
        return lavrov.id, duplicate.id


def test_deletes_are_refused_while_anything_refers_to_the_speaker(
    admin_api: GraphQLClient, editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    lavrov, _ = _seed_quoted(scratch_engine)
    gid = audit.ref("Speaker", lavrov)
    before = _counts(scratch_engine)
    refused = admin_api.query(DELETE, {"input": {"id": gid, "version": 1}})["deleteSpeaker"]
    assert refused["deletedId"] is None
    (error,) = refused["userErrors"]
    assert error["code"] == "CONFLICT"
    assert "1 quotes" in error["message"] and "transcript turns" in error["message"]
    assert "mergeSpeakers" in error["message"]
    assert _counts(scratch_engine) == before
    lone = _create(editor_api, name="Nobody Quoted")
    stale = admin_api.query(DELETE, {"input": {"id": lone["id"], "version": 7}})["deleteSpeaker"]
    assert [e["code"] for e in stale["userErrors"]] == ["CONFLICT"]
    done = admin_api.query(DELETE, {"input": {"id": lone["id"], "version": 1}})["deleteSpeaker"]
    assert done == {"deletedId": lone["id"], "userErrors": []}
    assert admin_api.query("query($id: ID!) { node(id: $id) { id } }", {"id": lone["id"]}) == {"node": None}
    history = admin_api.query(
        "query($id: ID!) { auditEvents(filter: {objectId: $id}) { edges { node { operation before after } } } }",
        {"id": lone["id"]},
    )["auditEvents"]["edges"]
    assert [(e["node"]["operation"], e["node"]["after"]) for e in history] == [
        ("createSpeaker", history[0]["node"]["after"]),
        ("deleteSpeaker", None),
    ]
    assert history[1]["node"]["before"]["name"] == "Nobody Quoted"


def test_merge_moves_everything_and_is_audited(admin_api: GraphQLClient, scratch_engine: Engine) -> None:
    lavrov, duplicate = _seed_quoted(scratch_engine)
    with session_scope(scratch_engine) as session:
        events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    merged = admin_api.query(
        MERGE,
        {"input": {"survivorId": audit.ref("Speaker", lavrov), "mergedId": audit.ref("Speaker", duplicate)}},
    )["mergeSpeakers"]
    assert merged["userErrors"] == []
    names = {alias["name"] for alias in merged["speaker"]["aliases"]}
    assert {"Lavrov", "Sergei Lavrov", "S. Lavrov"} <= names
    assert merged["speaker"]["description"] == "Foreign minister"
    with session_scope(scratch_engine) as session:
        assert session.get(Speaker, duplicate) is None
        assert set(session.scalars(select(Quote.speaker_id))) == {lavrov}
        assert set(session.scalars(select(Turn.speaker_id).where(Turn.label == "LAVROV"))) == {lavrov}
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.id > events_before)))
    (event,) = events
    assert event.operation == "mergeSpeakers" and event.actor == "admin-token"
    assert event.object_id == lavrov
    assert event.detail is not None
    assert event.detail["merged"]["id"] == audit.ref("Speaker", duplicate)
    assert event.detail["merged"]["before"]["name"] == "Sergei Lavrov"
    assert len(event.detail["movedQuotes"]) == 1
    assert event.before is not None and event.after is not None
    assert event.before["description"] is None and event.after["description"] == "Foreign minister"
    # A merge into itself, or of two different Wikidata entities, is refused with the reason.
    self_merge = admin_api.query(
        MERGE,
        {"input": {"survivorId": audit.ref("Speaker", lavrov), "mergedId": audit.ref("Speaker", lavrov)}},
    )["mergeSpeakers"]
    assert [(e["field"], e["code"]) for e in self_merge["userErrors"]] == [("mergedId", "INVALID")]


def test_a_failing_mutation_leaves_no_partial_rows_and_no_event(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    """The speaker row and its first alias would be written before the bad role is met: all or nothing."""
    before = _counts(scratch_engine)
    payload = editor_api.query(
        CREATE,
        {
            "input": {
                "name": "Half Made",
                "aliases": [{"name": "Half"}],
                "roles": [{"title": "Mayor"}, {"title": "Governor", "from": "2030", "to": "2020"}],
            }
        },
    )["createSpeaker"]
    assert payload["speaker"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID"]
    assert _counts(scratch_engine) == before

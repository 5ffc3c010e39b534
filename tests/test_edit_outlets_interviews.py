"""Editing outlets and interviews through the API: create, update, delete, errors, roles, audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from quotecheck.api.ids import decode_id
from quotecheck.db import session_scope
from quotecheck.enums import SourceKind
from quotecheck.global_ids import encode_id
from quotecheck.models import AuditEvent, Interview, Outlet, Quote, Source
from quotecheck.services import audit, interviews, outlets, speakers
from tests.conftest import GraphQLClient
from tests.counts import table_counts

OUTLET_FIELDS = "id name kind url domain country languages description"
ERRORS = "userErrors { field message code currentVersion }"

CREATE_OUTLET = f"""
mutation($input: CreateOutletInput!) {{
  createOutlet(input: $input) {{ outlet {{ {OUTLET_FIELDS} }} {ERRORS} }}
}}
"""
UPDATE_OUTLET = f"""
mutation($input: UpdateOutletInput!) {{
  updateOutlet(input: $input) {{ outlet {{ {OUTLET_FIELDS} }} {ERRORS} }}
}}
"""
DELETE_OUTLET = f"""
mutation($input: DeleteInput!) {{ deleteOutlet(input: $input) {{ deletedId {ERRORS} }} }}
"""

INTERVIEW_FIELDS = """
id title kind outlet { name } heldOn { iso } place medium language description
participants { speaker { name } role titleAsWritten }
"""
CREATE_INTERVIEW = f"""
mutation($input: CreateInterviewInput!) {{
  createInterview(input: $input) {{ interview {{ {INTERVIEW_FIELDS} }} {ERRORS} }}
}}
"""
UPDATE_INTERVIEW = f"""
mutation($input: UpdateInterviewInput!) {{
  updateInterview(input: $input) {{ interview {{ {INTERVIEW_FIELDS} }} {ERRORS} }}
}}
"""
DELETE_INTERVIEW = f"""
mutation($input: DeleteInput!) {{ deleteInterview(input: $input) {{ deletedId {ERRORS} }} }}
"""

HISTORY = """
query($id: ID!) {
  node(id: $id) {
    ... on Outlet { history { edges { node { operation actor before after objectVersion } } } }
    ... on Interview { history { edges { node { operation actor before after objectVersion } } } }
  }
}
"""


# --- helpers -----------------------------------------------------------------------------------------------
def counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return table_counts(session.connection())


def _key(global_id: str) -> int:
    return decode_id(global_id)[1]


def version(engine: Engine, model: type[Outlet] | type[Interview], global_id: str) -> int:
    """The stored version, read from the database rather than through the API under test."""
    with session_scope(engine) as session:
        row = session.get(model, _key(global_id))
        assert isinstance(row, Outlet | Interview)
        return int(row.version)


def events(engine: Engine) -> list[tuple[str, str | None, int | None]]:
    with session_scope(engine) as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(row.operation, row.object_type, row.object_id) for row in rows]


def trail(engine: Engine, global_id: str) -> list[dict[str, Any]]:
    """The recorded events of an object, read from the table (a deleted object has no `history` to query)."""
    type_name, key = decode_id(global_id)
    with session_scope(engine) as session:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == type_name, AuditEvent.object_id == key)
            .order_by(AuditEvent.id)
        )
        return [
            {
                "operation": r.operation,
                "before": r.before,
                "after": r.after,
                "objectVersion": r.object_version,
            }
            for r in rows
        ]


def history(api: GraphQLClient, reader: str, global_id: str) -> list[dict[str, Any]]:
    node = api.with_token(reader).query(HISTORY, {"id": global_id})["node"]
    return [edge["node"] for edge in node["history"]["edges"]]


def seed_speakers(engine: Engine, *names: str) -> list[str]:
    with session_scope(engine, write=True) as session:
        rows = [speakers.create_speaker(session, name=name) for name in names]
        audit.record(session, "seed")
        return [encode_id("Speaker", row.id) for row in rows]


def seed_outlet(engine: Engine, name: str, **fields: Any) -> str:
    with session_scope(engine, write=True) as session:
        row = outlets.create_outlet(session, name=name, **fields)
        audit.record(session, "seed")
        return encode_id("Outlet", row.id)


def create_outlet(api: GraphQLClient, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = api.query(CREATE_OUTLET, {"input": fields})["createOutlet"]
    assert payload["userErrors"] == []
    return payload["outlet"]  # type: ignore[no-any-return]


def create_interview(api: GraphQLClient, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = api.query(CREATE_INTERVIEW, {"input": fields})["createInterview"]
    assert payload["userErrors"] == []
    return payload["interview"]  # type: ignore[no-any-return]


def refused(
    api: GraphQLClient, engine: Engine, mutation: str, name: str, given: dict[str, Any]
) -> dict[str, Any]:
    """The single user error of a mutation that must write nothing (no row, no event)."""
    before = counts(engine)
    payload = api.query(mutation, {"input": given})[name]
    assert counts(engine) == before
    (error,) = payload["userErrors"]
    return error  # type: ignore[no-any-return]


# --- outlets -----------------------------------------------------------------------------------------------
def test_create_outlet_normalises_and_records_one_event(
    editor_api: GraphQLClient, scratch_engine: Engine, tokens: dict[str, str]
) -> None:
    outlet = create_outlet(
        editor_api,
        name="Foreign Policy",
        kind="MAGAZINE",
        url="https://www.ForeignPolicy.com/",
        country="us",
        languages=["EN", "fr-ca"],
        description="  A magazine. ",
    )
    assert outlet == {
        "id": outlet["id"],
        "name": "Foreign Policy",
        "kind": "MAGAZINE",
        "url": "https://www.ForeignPolicy.com/",
        "domain": "foreignpolicy.com",
        "country": "US",
        "languages": ["en", "fr-ca"],
        "description": "A magazine.",
    }
    (event,) = history(editor_api, tokens["READER"], outlet["id"])
    assert event == {
        "operation": "createOutlet",
        "actor": "editor-token",
        "before": None,
        "after": {
            "name": "Foreign Policy",
            "kind": "MAGAZINE",
            "url": "https://www.ForeignPolicy.com/",
            "domain": "foreignpolicy.com",
            "country": "US",
            "languages": ["en", "fr-ca"],
            "description": "A magazine.",
        },
        "objectVersion": 1,
    }


def test_update_outlet_changes_only_the_fields_sent(
    editor_api: GraphQLClient, scratch_engine: Engine, tokens: dict[str, str]
) -> None:
    outlet = create_outlet(editor_api, name="Port Gazette", url="https://gazette.example.org/", country="CA")
    key = outlet["id"]
    first = version(scratch_engine, Outlet, key)
    recorded = len(events(scratch_engine))
    changed = editor_api.query(
        UPDATE_OUTLET,
        {
            "input": {
                "id": key,
                "version": first,
                "name": "PORT gazette",
                "languages": ["en"],
                "kind": "NEWSPAPER",
            }
        },
    )["updateOutlet"]
    assert changed["userErrors"] == []
    assert changed["outlet"] == outlet | {"name": "PORT gazette", "languages": ["en"], "kind": "NEWSPAPER"}
    second = version(scratch_engine, Outlet, key)
    assert second == first + 1
    assert events(scratch_engine)[recorded:] == [("updateOutlet", "Outlet", _key(key))]

    # The domain followed the URL, so it follows the new one; null fields clear, absent ones stay.
    moved = editor_api.query(
        UPDATE_OUTLET,
        {
            "input": {
                "id": key,
                "version": second,
                "url": "https://www.port-gazette.example.com/x",
                "country": None,
            }
        },
    )["updateOutlet"]
    assert moved["userErrors"] == []
    assert moved["outlet"]["domain"] == "port-gazette.example.com"
    assert moved["outlet"]["country"] is None
    assert moved["outlet"]["languages"] == ["en"]

    # A domain set apart from the URL stays when only the URL changes.
    third = version(scratch_engine, Outlet, key)
    editor_api.query(UPDATE_OUTLET, {"input": {"id": key, "version": third, "domain": "gazette.example"}})
    fourth = version(scratch_engine, Outlet, key)
    kept = editor_api.query(
        UPDATE_OUTLET, {"input": {"id": key, "version": fourth, "url": "https://elsewhere.example.net/"}}
    )["updateOutlet"]
    assert kept["outlet"]["domain"] == "gazette.example"

    found = history(editor_api, tokens["READER"], key)
    assert [e["operation"] for e in found] == ["createOutlet"] + ["updateOutlet"] * 4
    update = found[1]
    assert update["before"]["name"] == "Port Gazette"
    assert update["after"]["name"] == "PORT gazette"
    assert (update["before"]["languages"], update["after"]["languages"]) == ([], ["en"])
    assert update["objectVersion"] == second
    assert [e["objectVersion"] for e in found] == [first, second, second + 1, third + 1, fourth + 1]


def test_outlet_input_mistakes_are_user_errors_that_write_nothing(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    seed_outlet(scratch_engine, "Foreign Policy", url="https://foreignpolicy.com/")
    mine = create_outlet(editor_api, name="Harbour Radio")
    now = version(scratch_engine, Outlet, mine["id"])
    mistakes: list[tuple[dict[str, Any], str, str, str]] = [
        ({"name": "FOREIGN  policy"}, "name", "CONFLICT", "an outlet called 'Foreign Policy' exists already"),
        ({"name": "  "}, "name", "INVALID", "name is empty; give it a value"),
        ({"name": "?!"}, "name", "INVALID", "name '?!' has no letters or digits"),
        (
            {"domain": "WWW.foreignpolicy.com"},
            "domain",
            "CONFLICT",
            "the domain foreignpolicy.com belongs to",
        ),
        (
            {"url": "http://foreignpolicy.com/a"},
            "domain",
            "CONFLICT",
            "the domain foreignpolicy.com belongs to",
        ),
        ({"url": "foreignpolicy"}, "url", "INVALID", "url 'foreignpolicy' is not an http(s) URL"),
        ({"country": "USA"}, "country", "INVALID", "country 'USA' is not a two-letter ISO 3166 code"),
        (
            {"languages": ["en", "english!"]},
            "languages",
            "INVALID",
            "languages 'english!' is not a language tag",
        ),
    ]
    for change, field, code, message in mistakes:
        created = refused(
            editor_api, scratch_engine, CREATE_OUTLET, "createOutlet", {"name": "Another", **change}
        )
        assert (created["field"], created["code"]) == (field, code), change
        assert created["message"].startswith(message), created
        updated = refused(
            editor_api,
            scratch_engine,
            UPDATE_OUTLET,
            "updateOutlet",
            {"id": mine["id"], "version": now, **change},
        )
        assert (updated["field"], updated["code"]) == (field, code), change
        assert updated["message"].startswith(message), updated
    assert version(scratch_engine, Outlet, mine["id"]) == now

    # An outlet keeps its own name and domain (another spelling of them is no clash).
    same = editor_api.query(
        UPDATE_OUTLET, {"input": {"id": mine["id"], "version": now, "name": "HARBOUR radio"}}
    )["updateOutlet"]
    assert same["userErrors"] == []

    bad_id = refused(
        editor_api, scratch_engine, UPDATE_OUTLET, "updateOutlet", {"id": "nope", "version": 1, "name": "X"}
    )
    assert (bad_id["field"], bad_id["code"]) == ("id", "BAD_USER_INPUT")
    speaker_id = seed_speakers(scratch_engine, "Ama Osei")[0]
    wrong_type = refused(
        editor_api, scratch_engine, UPDATE_OUTLET, "updateOutlet", {"id": speaker_id, "version": 1}
    )
    assert (wrong_type["field"], wrong_type["code"]) == ("id", "BAD_USER_INPUT")
    missing = refused(
        editor_api,
        scratch_engine,
        UPDATE_OUTLET,
        "updateOutlet",
        {"id": encode_id("Outlet", 999), "version": 1, "name": "X"},
    )
    assert missing["code"] == "NOT_FOUND"


def test_a_stale_outlet_version_is_a_conflict_showing_the_current_outlet(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    outlet = create_outlet(editor_api, name="Port Gazette")
    read = version(scratch_engine, Outlet, outlet["id"])
    editor_api.query(UPDATE_OUTLET, {"input": {"id": outlet["id"], "version": read, "country": "FR"}})
    before = counts(scratch_engine)
    late = editor_api.query(
        UPDATE_OUTLET, {"input": {"id": outlet["id"], "version": read, "name": "Late Gazette"}}
    )["updateOutlet"]
    assert counts(scratch_engine) == before
    (error,) = late["userErrors"]
    assert (error["field"], error["code"], error["currentVersion"]) == ("version", "CONFLICT", read + 1)
    assert f"send version {read + 1}" in error["message"]
    assert late["outlet"]["name"] == "Port Gazette"
    assert late["outlet"]["country"] == "FR"


def test_delete_outlet_is_refused_while_in_use(admin_api: GraphQLClient, scratch_engine: Engine) -> None:
    used = create_outlet(admin_api, name="Foreign Policy", country="US")
    free = create_outlet(admin_api, name="Port Gazette")
    with session_scope(scratch_engine, write=True) as session:
        outlet = session.get(Outlet, _key(used["id"]))
        interviews.create_interview(session, title="Talk", outlet=outlet)
        interviews.create_interview(session, title="Talk 2", outlet=outlet)
        session.add(Source(kind=SourceKind.ARTICLE, title="Piece", outlet_id=_key(used["id"])))
        audit.record(session, "seed")
    now = version(scratch_engine, Outlet, used["id"])
    error = refused(
        admin_api, scratch_engine, DELETE_OUTLET, "deleteOutlet", {"id": used["id"], "version": now}
    )
    assert (error["field"], error["code"]) == ("id", "CONFLICT")
    assert error["message"].startswith(
        "outlet 'Foreign Policy' cannot be deleted: 1 sources, 2 interviews refer to it;"
    )
    stale = refused(
        admin_api, scratch_engine, DELETE_OUTLET, "deleteOutlet", {"id": free["id"], "version": 7}
    )
    assert (stale["code"], stale["currentVersion"]) == ("CONFLICT", 1)

    gone = admin_api.query(DELETE_OUTLET, {"input": {"id": free["id"], "version": 1}})["deleteOutlet"]
    assert gone == {"deletedId": free["id"], "userErrors": []}
    assert admin_api.query("query($id: ID!) { node(id: $id) { id } }", {"id": free["id"]})["node"] is None
    found = trail(scratch_engine, free["id"])
    assert [e["operation"] for e in found] == ["createOutlet", "deleteOutlet"]
    assert found[1]["before"]["name"] == "Port Gazette"
    assert (found[1]["after"], found[1]["objectVersion"]) == (None, None)


def test_outlet_mutations_need_the_right_role(
    scratch_api: GraphQLClient, scratch_engine: Engine, tokens: dict[str, str]
) -> None:
    key = seed_outlet(scratch_engine, "Port Gazette")
    before = counts(scratch_engine)
    calls = [
        (CREATE_OUTLET, {"name": "New"}),
        (UPDATE_OUTLET, {"id": key, "version": 1, "name": "New"}),
        (DELETE_OUTLET, {"id": key, "version": 1}),
    ]
    for query, given in calls:
        (anonymous,) = scratch_api.errors(query, {"input": given})
        assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
        (reader,) = scratch_api.with_token(tokens["READER"]).errors(query, {"input": given})
        assert reader["extensions"]["code"] == "FORBIDDEN"
    (editor,) = scratch_api.with_token(tokens["EDITOR"]).errors(DELETE_OUTLET, {"input": calls[2][1]})
    assert editor["extensions"]["code"] == "FORBIDDEN"
    assert counts(scratch_engine) == before


# --- interviews --------------------------------------------------------------------------------------------
def test_create_interview_with_participants_records_one_event(
    editor_api: GraphQLClient, scratch_engine: Engine, tokens: dict[str, str]
) -> None:
    lavrov, glasser = seed_speakers(scratch_engine, "Sergey Lavrov", "Susan Glasser")
    fp = seed_outlet(scratch_engine, "Foreign Policy")
    interview = create_interview(
        editor_api,
        title="The Law of Politics",
        outletId=fp,
        heldOn="2013-03",
        place="Moscow",
        medium="PRINT",
        language="EN",
        participants=[
            {"speakerId": lavrov, "role": "INTERVIEWEE"},
            {"speakerId": glasser, "role": "INTERVIEWER", "titleAsWritten": "Foreign Policy Editor in Chief"},
        ],
    )
    assert interview == {
        "id": interview["id"],
        "title": "The Law of Politics",
        "kind": "INTERVIEW",
        "outlet": {"name": "Foreign Policy"},
        "heldOn": {"iso": "2013-03"},
        "place": "Moscow",
        "medium": "PRINT",
        "language": "en",
        "description": None,
        "participants": [
            {"speaker": {"name": "Sergey Lavrov"}, "role": "INTERVIEWEE", "titleAsWritten": None},
            {
                "speaker": {"name": "Susan Glasser"},
                "role": "INTERVIEWER",
                "titleAsWritten": "Foreign Policy Editor in Chief",
            },
        ],
    }
    (event,) = history(editor_api, tokens["READER"], interview["id"])
    assert (event["operation"], event["actor"], event["before"], event["objectVersion"]) == (
        "createInterview",
        "editor-token",
        None,
        1,
    )
    assert event["after"]["outlet"] == fp
    assert event["after"]["heldOn"] == "2013-03"
    assert event["after"]["participants"] == [
        {"speaker": lavrov, "role": "INTERVIEWEE", "titleAsWritten": None},
        {"speaker": glasser, "role": "INTERVIEWER", "titleAsWritten": "Foreign Policy Editor in Chief"},
    ]
    assert [op for op, *_ in events(scratch_engine)].count("createInterview") == 1


def test_update_interview_replaces_participants_and_moves_the_version(
    editor_api: GraphQLClient, scratch_engine: Engine, tokens: dict[str, str]
) -> None:
    lavrov, glasser, host = seed_speakers(scratch_engine, "Sergey Lavrov", "Susan Glasser", "Host")
    fp = seed_outlet(scratch_engine, "Foreign Policy")
    interview = create_interview(
        editor_api,
        title="Talk",
        outletId=fp,
        heldOn="2013",
        participants=[
            {"speakerId": lavrov, "role": "INTERVIEWEE"},
            {"speakerId": glasser, "role": "INTERVIEWER"},
        ],
    )
    key = interview["id"]
    first = version(scratch_engine, Interview, key)
    # Only the participants change (one kept as it was): the interview's version still moves.
    changed = editor_api.query(
        UPDATE_INTERVIEW,
        {
            "input": {
                "id": key,
                "version": first,
                "participants": [
                    {"speakerId": lavrov, "role": "INTERVIEWEE", "titleAsWritten": "Foreign Minister"},
                    {"speakerId": host, "role": "MODERATOR"},
                ],
            }
        },
    )["updateInterview"]
    assert changed["userErrors"] == []
    assert changed["interview"] == interview | {
        "participants": [
            {
                "speaker": {"name": "Sergey Lavrov"},
                "role": "INTERVIEWEE",
                "titleAsWritten": "Foreign Minister",
            },
            {"speaker": {"name": "Host"}, "role": "MODERATOR", "titleAsWritten": None},
        ]
    }
    second = version(scratch_engine, Interview, key)
    assert second == first + 1
    assert events(scratch_engine)[-1] == ("updateInterview", "Interview", _key(key))

    cleared = editor_api.query(
        UPDATE_INTERVIEW,
        {
            "input": {
                "id": key,
                "version": second,
                "outletId": None,
                "heldOn": "2013-03-14",
                "kind": "PRESS_CONFERENCE",
                "participants": None,
            }
        },
    )["updateInterview"]
    assert cleared["userErrors"] == []
    assert cleared["interview"] | {"id": key} == interview | {
        "outlet": None,
        "heldOn": {"iso": "2013-03-14"},
        "kind": "PRESS_CONFERENCE",
        "participants": [],
    }
    assert counts(scratch_engine)["participant"] == 0
    assert version(scratch_engine, Interview, key) == second + 1  # fields and parts at once: one step

    found = history(editor_api, tokens["READER"], key)
    assert [e["operation"] for e in found] == ["createInterview", "updateInterview", "updateInterview"]
    replaced = found[1]
    assert replaced["objectVersion"] == second
    assert [p["speaker"] for p in replaced["before"]["participants"]] == [lavrov, glasser]
    assert [(p["speaker"], p["role"]) for p in replaced["after"]["participants"]] == [
        (lavrov, "INTERVIEWEE"),
        (host, "MODERATOR"),
    ]
    assert replaced["before"]["outlet"] == replaced["after"]["outlet"] == fp
    assert (found[2]["before"]["outlet"], found[2]["after"]["outlet"]) == (fp, None)


def test_interview_input_mistakes_are_user_errors_that_write_nothing(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    (lavrov,) = seed_speakers(scratch_engine, "Sergey Lavrov")
    mine = create_interview(
        editor_api, title="Talk", participants=[{"speakerId": lavrov, "role": "INTERVIEWEE"}]
    )
    now = version(scratch_engine, Interview, mine["id"])
    twice = [{"speakerId": lavrov, "role": "INTERVIEWEE"}, {"speakerId": lavrov, "role": "INTERVIEWEE"}]
    mistakes: list[tuple[dict[str, Any], str, str, str]] = [
        (
            {"participants": twice},
            "participants",
            "INVALID",
            "participant 2: 'Sergey Lavrov' is listed twice",
        ),
        (
            {"participants": [{"speakerId": encode_id("Speaker", 999), "role": "INTERVIEWER"}]},
            "participants",
            "NOT_FOUND",
            "participant 1: no speaker has id 999",
        ),
        (
            {"participants": [{"speakerId": mine["id"], "role": "INTERVIEWER"}]},
            "participants",
            "BAD_USER_INPUT",
            "ID ",
        ),
        ({"outletId": encode_id("Outlet", 999)}, "outletId", "NOT_FOUND", "no outlet has id 999"),
        ({"outletId": "not-an-id"}, "outletId", "BAD_USER_INPUT", "'not-an-id' is not a quotecheck ID"),
        ({"heldOn": "March 2013"}, "heldOn", "INVALID", "held_on: 'March 2013' is not a date"),
        ({"language": "english"}, "language", "INVALID", "language 'english' is not a language tag"),
    ]
    for change, field, code, message in mistakes:
        created = refused(
            editor_api, scratch_engine, CREATE_INTERVIEW, "createInterview", {"title": "Another", **change}
        )
        assert (created["field"], created["code"]) == (field, code), change
        assert created["message"].startswith(message), created
        updated = refused(
            editor_api,
            scratch_engine,
            UPDATE_INTERVIEW,
            "updateInterview",
            {"id": mine["id"], "version": now, **change},
        )
        assert (updated["field"], updated["code"]) == (field, code), change
        assert updated["message"].startswith(message), updated
    empty = refused(editor_api, scratch_engine, CREATE_INTERVIEW, "createInterview", {"title": " "})
    assert (empty["field"], empty["code"]) == ("title", "INVALID")
    untitled = refused(
        editor_api,
        scratch_engine,
        UPDATE_INTERVIEW,
        "updateInterview",
        {"id": mine["id"], "version": now, "title": ""},
    )
    assert (untitled["field"], untitled["code"]) == ("title", "INVALID")
    assert version(scratch_engine, Interview, mine["id"]) == now

    # The same speaker in two roles is fine.
    both = create_interview(
        editor_api,
        title="Self-interview",
        participants=[
            {"speakerId": lavrov, "role": "INTERVIEWEE"},
            {"speakerId": lavrov, "role": "INTERVIEWER"},
        ],
    )
    assert [p["role"] for p in both["participants"]] == ["INTERVIEWEE", "INTERVIEWER"]


def test_a_stale_interview_version_is_a_conflict_showing_the_current_interview(
    editor_api: GraphQLClient, scratch_engine: Engine
) -> None:
    interview = create_interview(editor_api, title="Talk")
    read = version(scratch_engine, Interview, interview["id"])
    editor_api.query(UPDATE_INTERVIEW, {"input": {"id": interview["id"], "version": read, "place": "Moscow"}})
    error = refused(
        editor_api,
        scratch_engine,
        UPDATE_INTERVIEW,
        "updateInterview",
        {"id": interview["id"], "version": read, "title": "Late"},
    )
    assert (error["field"], error["code"], error["currentVersion"]) == ("version", "CONFLICT", read + 1)
    late = editor_api.query(
        UPDATE_INTERVIEW, {"input": {"id": interview["id"], "version": read, "title": "Late"}}
    )["updateInterview"]
    assert (late["interview"]["title"], late["interview"]["place"]) == ("Talk", "Moscow")


def test_delete_interview_is_refused_while_sources_or_quotes_refer_to_it(
    admin_api: GraphQLClient, scratch_engine: Engine
) -> None:
    lavrov, glasser = seed_speakers(scratch_engine, "Sergey Lavrov", "Susan Glasser")
    parts = [{"speakerId": lavrov, "role": "INTERVIEWEE"}, {"speakerId": glasser, "role": "INTERVIEWER"}]
    used = create_interview(admin_api, title="Used", participants=parts)
    quoted = create_interview(admin_api, title="Quoted")
    free = create_interview(admin_api, title="Free", participants=parts)
    with session_scope(scratch_engine, write=True) as session:
        transcript = Source(kind=SourceKind.TRANSCRIPT, title="Transcript", interview_id=_key(used["id"]))
        quote = Quote(speaker_id=_key(lavrov), text="Words.", interview_id=_key(quoted["id"]))
        session.add_all([transcript, quote])
        audit.record(session, "seed")

    for target, message in [
        (used, "interview 'Used' cannot be deleted: 1 sources (transcripts) refer to it;"),
        (quoted, "interview 'Quoted' cannot be deleted: 1 quotes refer to it;"),
    ]:
        now = version(scratch_engine, Interview, target["id"])
        error = refused(
            admin_api,
            scratch_engine,
            DELETE_INTERVIEW,
            "deleteInterview",
            {"id": target["id"], "version": now},
        )
        assert (error["field"], error["code"]) == ("id", "CONFLICT")
        assert error["message"].startswith(message), error

    participants = counts(scratch_engine)["participant"]
    gone = admin_api.query(DELETE_INTERVIEW, {"input": {"id": free["id"], "version": 1}})["deleteInterview"]
    assert gone == {"deletedId": free["id"], "userErrors": []}
    assert counts(scratch_engine)["participant"] == participants - 2
    found = trail(scratch_engine, free["id"])
    assert [e["operation"] for e in found] == ["createInterview", "deleteInterview"]
    assert [p["speaker"] for p in found[1]["before"]["participants"]] == [lavrov, glasser]
    assert found[1]["after"] is None


def test_interview_mutations_need_the_right_role(
    scratch_api: GraphQLClient, scratch_engine: Engine, tokens: dict[str, str]
) -> None:
    with session_scope(scratch_engine, write=True) as session:
        key = encode_id("Interview", interviews.create_interview(session, title="Talk").id)
        audit.record(session, "seed")
    before = counts(scratch_engine)
    calls = [
        (CREATE_INTERVIEW, {"title": "New"}),
        (UPDATE_INTERVIEW, {"id": key, "version": 1, "title": "New"}),
        (DELETE_INTERVIEW, {"id": key, "version": 1}),
    ]
    for query, given in calls:
        (anonymous,) = scratch_api.errors(query, {"input": given})
        assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
        (reader,) = scratch_api.with_token(tokens["READER"]).errors(query, {"input": given})
        assert reader["extensions"]["code"] == "FORBIDDEN"
    (editor,) = scratch_api.with_token(tokens["EDITOR"]).errors(DELETE_INTERVIEW, {"input": calls[2][1]})
    assert editor["extensions"]["code"] == "FORBIDDEN"
    assert counts(scratch_engine) == before

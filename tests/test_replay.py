"""The acceptance script: 50 mixed mutations through HTTP by an editor and an admin, then the audit trail holds
exactly 50 new events, and replaying them (each event's `before` is the previous `after` of the same object)
gives the current state of every object touched. Refused mutations in between add no event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from quotecheck import models
from quotecheck.db import session_scope
from quotecheck.services import audit
from tests.conftest import GraphQLClient

MODELS = {
    "Speaker": models.Speaker,
    "Outlet": models.Outlet,
    "Interview": models.Interview,
    "Source": models.Source,
    "Quote": models.Quote,
    "Appearance": models.Appearance,
    "FactCheck": models.FactCheck,
}
PAYLOAD = {
    "Speaker": "speaker",
    "Outlet": "outlet",
    "Interview": "interview",
    "Source": "source",
    "Quote": "quote",
    "Appearance": "appearance",
    "FactCheck": "factCheck",
}


class Script:
    """Runs mutations, remembering each object's latest version, and counts the successful ones."""

    def __init__(self, editor: GraphQLClient, admin: GraphQLClient) -> None:
        self.editor, self.admin = editor, admin
        self.versions: dict[str, int] = {}
        self.done: list[str] = []  # operation names of the successful mutations, in order
        self.refused = 0

    def _send(self, client: GraphQLClient, name: str, input_type: str, selection: str, value: Any) -> Any:
        query = f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} userErrors {{ field message code }} }} }}"
        return client.query(query, {"input": value})[name]

    def run(self, operation: str, type_name: str, value: dict[str, Any], *, admin: bool = False) -> str:
        verb = operation[: len(operation) - len(type_name)] if operation.endswith(type_name) else operation
        client = self.admin if admin else self.editor
        if verb == "delete":
            payload = self._send(client, operation, "DeleteInput", "deletedId", value)
            assert payload["userErrors"] == [], (operation, payload)
            self.done.append(operation)
            return str(payload["deletedId"])
        input_type = {
            "create": f"Create{type_name}Input",
            "update": f"Update{type_name}Input",
            "publish": "PublishFactCheckInput",
            "retract": "RetractFactCheckInput",
        }.get(verb, f"{operation[0].upper()}{operation[1:]}Input")
        field = PAYLOAD[type_name]
        payload = self._send(client, operation, input_type, f"{field} {{ id version }}", value)
        assert payload["userErrors"] == [], (operation, payload)
        node = payload[field]
        self.versions[node["id"]] = node["version"]
        self.done.append(operation)
        return str(node["id"])

    def update(self, type_name: str, gid: str, **fields: Any) -> str:
        return self.run(f"update{type_name}", type_name, {"id": gid, "version": self.versions[gid], **fields})

    def refuse(
        self, operation: str, input_type: str, value: dict[str, Any], code: str, *, admin: bool = False
    ) -> None:
        payload = self._send(self.admin if admin else self.editor, operation, input_type, "__typename", value)
        assert [e["code"] for e in payload["userErrors"]] == [code], (operation, payload)
        self.refused += 1


def _mutate(script: Script) -> None:
    s = script
    lavrov = s.run("createSpeaker", "Speaker", {"name": "Sergey Lavrov", "aliases": [{"name": "Lavrov"}]})
    glasser = s.run("createSpeaker", "Speaker", {"name": "Susan Glasser"})
    duplicate = s.run(
        "createSpeaker", "Speaker", {"name": "Sergei Lavrov", "description": "Foreign minister"}
    )
    spare = s.run("createSpeaker", "Speaker", {"name": "Nobody Quoted"})
    s.update(
        "Speaker",
        lavrov,
        roles=[{"title": "Minister of Foreign Affairs", "organization": "Russia", "from": "2004"}],
    )
    fp = s.run(
        "createOutlet",
        "Outlet",
        {"name": "Foreign Policy", "kind": "MAGAZINE", "url": "https://foreignpolicy.com"},
    )
    brief_outlet = s.run("createOutlet", "Outlet", {"name": "Brief Daily", "kind": "WEBSITE"})
    s.update("Outlet", fp, country="US", languages=["en"])
    talk = s.run(
        "createInterview",
        "Interview",
        {
            "title": "The Law of Politics",
            "outletId": fp,
            "heldOn": "2013-03",
            "participants": [
                {"speakerId": lavrov, "role": "INTERVIEWEE"},
                {"speakerId": glasser, "role": "INTERVIEWER"},
            ],
        },
    )
    s.update("Interview", talk, place="Moscow")
    transcript = s.run(
        "createSource",
        "Source",
        {
            "kind": "TRANSCRIPT",
            "title": "'The Law of Politics' According to Sergei Lavrov",
            "outletId": fp,
            "interviewId": talk,
            "publishedOn": "2013-04-29",
            "text": "NATO has lost its raison d'être. It is making its military posture universal.",
        },
    )
    brief = s.run(
        "createSource",
        "Source",
        {
            "kind": "BRIEF",
            "title": "Lavrov in Foreign Policy",
            "outletId": brief_outlet,
            "text": "NATO Takes Universal Military Posture. Lavrov said: NATO has lost its raison d'être.",
        },
    )
    s.update("Source", brief, note="a bilingual site")
    posture = s.run(
        "createQuote",
        "Quote",
        {"text": "It is making its military posture universal.", "speakerId": lavrov, "interviewId": talk},
    )
    raison = s.run("createQuote", "Quote", {"text": "NATO has lost its raison d'être.", "speakerId": lavrov})
    by_duplicate = s.run("createQuote", "Quote", {"text": "The law of politics.", "speakerId": duplicate})
    loose = s.run("createQuote", "Quote", {"text": "A quote to delete.", "speakerId": glasser})
    s.update("Quote", raison, saidOn="2013-03", language="en")
    primary = s.run(
        "createAppearance",
        "Appearance",
        {
            "quoteId": raison,
            "sourceId": transcript,
            "textAsPublished": "NATO has lost its raison d'être.",
            "start": 0,
            "end": len("NATO has lost its raison d'être."),
            "relation": "VERBATIM",
        },
    )
    secondary = s.run(
        "createAppearance",
        "Appearance",
        {
            "quoteId": raison,
            "sourceId": brief,
            "textAsPublished": "NATO has lost its raison d'être.",
            "relation": "EXCERPT",
            "takenFromAppearanceId": primary,
            "citedAs": "in Foreign Policy Magazine",
        },
    )
    extra = s.run(
        "createAppearance",
        "Appearance",
        {
            "quoteId": posture,
            "sourceId": brief,
            "textAsPublished": "NATO Takes Universal Military Posture",
            "relation": "HEADLINE",
        },
    )
    s.update("Appearance", secondary, attributionAsWritten="Russian Foreign Minister Sergey Lavrov")
    check = s.run(
        "createFactCheck",
        "FactCheck",
        {
            "quoteId": posture,
            "claimReviewed": "NATO Takes Universal Military Posture",
            "verdict": "PARAPHRASED",
        },
    )
    s.update("FactCheck", check, summary="He said the posture was being made universal.")
    s.run("publishFactCheck", "FactCheck", {"id": check, "version": s.versions[check]})
    s.run(
        "retractFactCheck",
        "FactCheck",
        {"id": check, "version": s.versions[check], "reason": "wrong quote linked"},
    )
    draft = s.run(
        "createFactCheck",
        "FactCheck",
        {"quoteId": raison, "claimReviewed": "NATO has lost its raison d'être.", "verdict": "ALTERED"},
    )
    s.update("FactCheck", draft, verdict="VERBATIM", summary="word for word")
    # Refused on the way: a stale version, a delete of a speaker with quotes. Neither adds an event.
    s.refuse("updateSpeaker", "UpdateSpeakerInput", {"id": lavrov, "version": 1, "name": "X"}, "CONFLICT")
    s.refuse(
        "deleteSpeaker",
        "DeleteInput",
        {"id": glasser, "version": s.versions[glasser]},
        "CONFLICT",
        admin=True,
    )
    s.run("deleteFactCheck", "FactCheck", {"id": draft, "version": s.versions[draft]}, admin=True)
    s.run("deleteAppearance", "Appearance", {"id": extra, "version": s.versions[extra]}, admin=True)
    s.run("deleteQuote", "Quote", {"id": loose, "version": s.versions[loose]}, admin=True)
    s.run("deleteSpeaker", "Speaker", {"id": spare, "version": s.versions[spare]}, admin=True)
    s.run("mergeSpeakers", "Speaker", {"survivorId": lavrov, "mergedId": duplicate}, admin=True)
    s.versions.pop(duplicate)
    s.refuse("updateQuote", "UpdateQuoteInput", {"id": by_duplicate, "version": 1, "text": "x"}, "CONFLICT")
    for n in range(5):  # edits of one speaker in a row: each event's `before` is the previous `after`
        s.update("Speaker", lavrov, description=f"Russian diplomat (edit {n})")
    for n in range(4):
        s.update("Quote", posture, note=f"checked against the transcript ({n})")
    for n in range(3):
        s.update("Outlet", brief_outlet, description=f"news briefs ({n})")
    s.update("Interview", talk, medium="PRINT")
    s.update("Source", transcript, note="online 2013-04-29, print May/June 2013")
    s.update("Appearance", primary, citedAs=None, note="the primary source")
    s.update("Speaker", glasser, aliases=[{"name": "Susan B. Glasser", "kind": "FULL_FORM"}])
    s.update("Quote", raison, note="the brief cut nothing here")


def test_fifty_mutations_replay_to_the_current_state(
    editor_api: GraphQLClient, admin_api: GraphQLClient, scratch_engine: Engine
) -> None:
    reader = admin_api
    baseline = reader.query("{ auditEvents { totalCount } }")["auditEvents"]["totalCount"]
    script = Script(editor_api, admin_api)
    _mutate(script)
    assert len(script.done) == 50
    assert script.refused == 3
    total = reader.query("{ auditEvents { totalCount } }")["auditEvents"]["totalCount"]
    assert total == baseline + 50

    events: list[dict[str, Any]] = []
    after = None
    while True:
        page = reader.query(
            "query($after: String) { auditEvents(first: 100, after: $after) { pageInfo { hasNextPage endCursor } "
            "edges { node { operation objectType objectId objectVersion before after detail actor } } } }",
            {"after": after},
        )["auditEvents"]
        events.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    ours = events[baseline:]
    assert [e["operation"] for e in ours] == script.done
    assert {e["actor"] for e in ours} == {"editor-token", "admin-token"}

    # Replay: fold each object's events; every `before` must be the state the previous event left.
    state: dict[str, dict[str, Any] | None] = {}
    versions: dict[str, int | None] = {}
    for event in ours:
        gid = event["objectId"]
        if gid in state:
            assert event["before"] == state[gid], (event["operation"], gid)
        else:
            assert event["before"] is None, event["operation"]  # first seen: created by this script
        state[gid] = event["after"]
        versions[gid] = event["objectVersion"]
        if event["operation"] == "mergeSpeakers":  # the merge moved quotes and removed the duplicate
            detail = event["detail"]
            assert state[detail["merged"]["id"]] == detail["merged"]["before"]
            state[detail["merged"]["id"]] = None
            for quote in detail["movedQuotes"]:
                moved = dict(state[quote] or {})
                moved["speaker"] = gid
                state[quote] = moved
                versions[quote] = None  # moved by the merge, not by an event of its own

    # The folded state is the current state, object by object.
    with session_scope(scratch_engine) as session:
        for gid, expected in state.items():
            type_name, key = _decode(gid)
            row = session.get(MODELS[type_name], key)
            if expected is None:
                assert row is None, gid
                continue
            assert row is not None, gid
            assert audit.snapshot(row) == expected, gid
    deleted = [gid for gid, expected in state.items() if expected is None]
    assert len(deleted) == 5  # the draft, the headline appearance, a quote, a speaker, the merged duplicate
    found = reader.query("query($ids: [ID!]!) { nodes(ids: $ids) { id version } }", {"ids": list(state)})[
        "nodes"
    ]
    for gid, node in zip(state, found, strict=True):
        if state[gid] is None:
            assert node is None, gid
        else:
            assert node is not None and node["id"] == gid
            if versions[gid] is not None:
                assert node["version"] == versions[gid], gid


def _decode(gid: str) -> tuple[str, int]:
    from quotecheck.api.ids import decode_id

    return decode_id(gid)

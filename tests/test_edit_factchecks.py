"""The fact-check mutations over HTTP: drafts created and corrected, published, retracted (kept on record),
deleted while still drafts; every change audited once, every refusal a user error that writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from quotecheck.db import session_scope
from quotecheck.enums import AppearanceRelation, SourceKind
from quotecheck.global_ids import encode_id
from quotecheck.models import AuditEvent, FactCheck
from quotecheck.services import appearances, audit, factchecks, quotes, sources, speakers
from tests.conftest import GraphQLClient
from tests.counts import table_counts

TEXT = "Osei told the council: the harbour will reopen in June. Then again: the harbour will reopen in June."
PASSAGE = "the harbour will reopen in June"
SECOND = TEXT.rindex(PASSAGE)

FC = """
id status claimReviewed verdict summary reviewer publisher url reviewedOn { iso }
rating { value best worst alternateName } originalLabel publishedAt retractedAt retractionReason
quote { id } evidence { source { id } appearance { id } url passage start end note }
"""
ERRORS = "userErrors { field message code currentVersion }"
CREATE = f"mutation($i: CreateFactCheckInput!) {{ createFactCheck(input: $i) {{ factCheck {{ {FC} }} {ERRORS} }} }}"
UPDATE = f"mutation($i: UpdateFactCheckInput!) {{ updateFactCheck(input: $i) {{ factCheck {{ {FC} }} {ERRORS} }} }}"
PUBLISH = f"mutation($i: PublishFactCheckInput!) {{ publishFactCheck(input: $i) {{ factCheck {{ {FC} }} {ERRORS} }} }}"
RETRACT = f"mutation($i: RetractFactCheckInput!) {{ retractFactCheck(input: $i) {{ factCheck {{ {FC} }} {ERRORS} }} }}"
DELETE = f"mutation($i: DeleteInput!) {{ deleteFactCheck(input: $i) {{ deletedId {ERRORS} }} }}"
HISTORY = """
query($id: ID!) {
  node(id: $id) { ... on FactCheck { history { edges { node { operation actor before after objectVersion } } } } }
}
"""


@pytest.fixture
def ids(scratch_engine: Engine) -> dict[str, str]:
    """A quote, the article it appears in (with its text), and another source."""
    with session_scope(scratch_engine, write=True) as s:
        speaker = speakers.create_speaker(s, name="Ama Osei")
        quote = quotes.create_quote(s, speaker=speaker, text="The harbour will reopen in June.")
        article = sources.create_source(s, kind=SourceKind.ARTICLE, title="Council report", text=TEXT)
        other = sources.create_source(s, kind=SourceKind.ARTICLE, title="Elsewhere", text="Nothing here.")
        appearance = appearances.create_appearance(
            s, quote=quote, source=article, text=PASSAGE, relation=AppearanceRelation.VERBATIM
        )
        audit.record(s, "seed")
        return {
            "quote": encode_id("Quote", quote.id),
            "article": encode_id("Source", article.id),
            "other": encode_id("Source", other.id),
            "appearance": encode_id("Appearance", appearance.id),
        }


def _key(global_id: str) -> int:
    from quotecheck.api.ids import decode_id

    return decode_id(global_id, "FactCheck")[1]


def _version(engine: Engine, global_id: str) -> int:
    with session_scope(engine) as s:
        return s.execute(select(FactCheck.version).where(FactCheck.id == _key(global_id))).scalar_one()


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return table_counts(s.connection())


def _events(engine: Engine) -> list[tuple[str, str, int | None]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(AuditEvent.operation, AuditEvent.actor, AuditEvent.object_id)
            .where(AuditEvent.object_type == "FactCheck")
            .order_by(AuditEvent.id)
        )
        return [(operation, actor, object_id) for operation, actor, object_id in rows]


def _create(client: GraphQLClient, **fields: Any) -> dict[str, Any]:
    payload = client.query(
        CREATE, {"i": {"claimReviewed": "Osei said the harbour reopens in June", **fields}}
    )
    found: dict[str, Any] = payload["createFactCheck"]
    assert found["userErrors"] == []
    created: dict[str, Any] = found["factCheck"]
    return created


def _draft(editor: GraphQLClient, ids: dict[str, str]) -> str:
    created = _create(editor, quoteId=ids["quote"], verdict="VERBATIM")
    return str(created["id"])


def _published(editor: GraphQLClient, engine: Engine, ids: dict[str, str]) -> str:
    key = _draft(editor, ids)
    done = editor.query(PUBLISH, {"i": {"id": key, "version": _version(engine, key)}})["publishFactCheck"]
    assert done["userErrors"] == []
    return key


def test_create_fact_check_makes_one_audited_draft(
    editor_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str], tokens: dict[str, str]
) -> None:
    created = _create(
        editor_api,
        quoteId=ids["quote"],
        verdict="VERBATIM",
        summary="  Word for word.  ",
        reviewer="Jo Ames",
        publisher="Harbour Checks",
        url="https://checks.example.org/osei-june",
        reviewedOn="2024-05",
        rating={"value": 5, "best": 5, "worst": 1, "alternateName": "Accurate"},
        evidence=[
            {"sourceId": ids["article"], "passage": PASSAGE, "note": "first telling"},
            {"sourceId": ids["article"], "start": SECOND, "end": SECOND + len(PASSAGE)},
            {"appearanceId": ids["appearance"]},
            {"url": "https://video.example.org/council"},
        ],
    )
    assert created["status"] == "DRAFT"
    assert (created["summary"], created["reviewedOn"], created["publishedAt"]) == (
        "Word for word.",
        {"iso": "2024-05"},
        None,
    )
    assert created["rating"] == {"value": 5, "best": 5, "worst": 1, "alternateName": "Accurate"}
    assert created["quote"] == {"id": ids["quote"]}
    first, second, third, fourth = created["evidence"]
    assert (first["source"], first["start"], first["end"], first["note"]) == (
        {"id": ids["article"]},
        TEXT.index(PASSAGE),
        TEXT.index(PASSAGE) + len(PASSAGE),
        "first telling",
    )
    assert (second["passage"], second["start"]) == (PASSAGE, SECOND)  # taken from the text at the offsets
    assert (third["appearance"], third["source"]) == ({"id": ids["appearance"]}, None)
    assert fourth["url"] == "https://video.example.org/council"

    history = editor_api.with_token(tokens["READER"]).query(HISTORY, {"id": created["id"]})
    (event,) = [edge["node"] for edge in history["node"]["history"]["edges"]]
    assert (event["operation"], event["actor"], event["before"], event["objectVersion"]) == (
        "createFactCheck",
        "editor-token",
        None,
        1,
    )
    assert event["after"]["status"] == "DRAFT"
    assert event["after"]["evidence"][1]["start"] == SECOND
    assert _events(scratch_engine) == [("createFactCheck", "editor-token", _key(created["id"]))]


def _bad_creates(ids: dict[str, str]) -> list[tuple[dict[str, Any], str, str, str]]:
    """(input fields, field, code, start of the message)."""
    missing_quote = encode_id("Quote", 999999)
    return [
        ({"claimReviewed": "  "}, "claimReviewed", "INVALID", "claimReviewed is empty"),
        ({"verdict": None}, "verdict", "INVALID", "a fact-check needs a verdict"),
        ({"rating": {"value": 7, "best": 5, "worst": 1}}, "rating", "INVALID", "rating 7 is outside"),
        ({"rating": {"value": 3}}, "rating", "INVALID", "a rating value needs rating.best"),
        (
            {"rating": {"best": 2, "worst": 2}},
            "rating",
            "INVALID",
            "rating.best and rating.worst must differ",
        ),
        ({"quoteId": missing_quote}, "quoteId", "NOT_FOUND", "quoteId names no stored quote"),
        ({"quoteId": "nonsense"}, "quoteId", "BAD_USER_INPUT", "'nonsense' is not a quotecheck ID"),
        ({"quoteId": ids["article"]}, "quoteId", "BAD_USER_INPUT", "ID "),
        ({"url": "checks.example.org"}, "url", "INVALID", "url 'checks.example.org' is not an http(s) URL"),
        ({"reviewedOn": "May 2024"}, "reviewedOn", "INVALID", "reviewedOn:"),
        ({"evidence": [{"note": "somewhere"}]}, "evidence", "INVALID", "evidence 1: it must point at"),
        ({"evidence": [{"url": "nowhere"}]}, "evidence", "INVALID", "evidence 1: url 'nowhere'"),
        (
            {
                "evidence": [
                    {"sourceId": ids["article"]},
                    {"sourceId": ids["article"], "passage": "reopen in May"},
                ]
            },
            "evidence",
            "INVALID",
            "evidence 2: the passage is not in the source's text",
        ),
        (
            {"evidence": [{"sourceId": ids["article"], "passage": PASSAGE, "start": 0, "end": 5}]},
            "evidence",
            "INVALID",
            "evidence 1: the source reads 'Osei '",
        ),
        (
            {"evidence": [{"sourceId": ids["article"], "start": 3}]},
            "evidence",
            "INVALID",
            "evidence 1: give both",
        ),
        (
            {"evidence": [{"sourceId": ids["article"], "start": 0, "end": 500}]},
            "evidence",
            "INVALID",
            f"evidence 1: offsets 0..500 are outside the source's text (0..{len(TEXT)})",
        ),
        (
            {"evidence": [{"url": "https://a.example.org", "start": 0, "end": 1}]},
            "evidence",
            "INVALID",
            "evidence 1: start and end count characters of a source's text",
        ),
        (
            {"evidence": [{"sourceId": ids["other"], "appearanceId": ids["appearance"]}]},
            "evidence",
            "INVALID",
            "evidence 1: the appearance is in another source",
        ),
        (
            {"evidence": [{"sourceId": encode_id("Source", 999999)}]},
            "sourceId",
            "NOT_FOUND",
            "sourceId names no stored source",
        ),
        (
            {"evidence": [{"appearanceId": encode_id("Appearance", 999999)}]},
            "appearanceId",
            "NOT_FOUND",
            "appearanceId names no stored appearance",
        ),
    ]


def test_create_fact_check_refuses_bad_input_and_writes_nothing(
    editor_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str]
) -> None:
    before = _counts(scratch_engine)
    for fields, field, code, message in _bad_creates(ids):
        given = {"claimReviewed": "A claim", "verdict": "ALTERED", **fields}
        found = editor_api.query(CREATE, {"i": given})["createFactCheck"]
        assert found["factCheck"] is None, fields
        (error,) = found["userErrors"]
        assert (error["field"], error["code"]) == (field, code), (fields, error)
        assert error["message"].startswith(message), (fields, error)
    assert _counts(scratch_engine) == before


def test_a_review_address_names_one_fact_check(
    editor_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str]
) -> None:
    first = _create(editor_api, verdict="ALTERED", url="https://checks.example.org/one")
    second = _create(editor_api, verdict="ALTERED", url="https://checks.example.org/two")
    before = _counts(scratch_engine)
    found = editor_api.query(
        CREATE, {"i": {"claimReviewed": "x", "verdict": "ALTERED", "url": "https://checks.example.org/one"}}
    )["createFactCheck"]
    (error,) = found["userErrors"]
    assert (error["field"], error["code"]) == ("url", "CONFLICT")
    assert error["message"] == (
        f"url https://checks.example.org/one already names fact-check {first['id']}; one address names one "
        "review: update that fact-check instead"
    )
    changed = editor_api.query(
        UPDATE,
        {"i": {"id": second["id"], "version": 1, "url": "https://checks.example.org/one"}},
    )["updateFactCheck"]
    assert [(e["field"], e["code"]) for e in changed["userErrors"]] == [("url", "CONFLICT")]
    assert changed["factCheck"]["url"] == "https://checks.example.org/two"
    # Keeping its own address is no clash.
    same = editor_api.query(
        UPDATE, {"i": {"id": first["id"], "version": 1, "url": "https://checks.example.org/one"}}
    )["updateFactCheck"]
    assert same["userErrors"] == []
    assert _counts(scratch_engine) == {**before, "audit_event": before["audit_event"] + 1}


def test_update_changes_the_fields_given_and_replaces_the_evidence(
    editor_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str], tokens: dict[str, str]
) -> None:
    created = _create(
        editor_api,
        quoteId=ids["quote"],
        verdict="ALTERED",
        summary="first take",
        reviewer="Jo Ames",
        rating={"value": 2, "best": 5, "worst": 1},
        evidence=[{"sourceId": ids["article"], "passage": PASSAGE}, {"url": "https://a.example.org/x"}],
    )
    key = created["id"]
    changed = editor_api.query(
        UPDATE,
        {
            "i": {
                "id": key,
                "version": 1,
                "verdict": "VERBATIM",
                "summary": "Word for word after all.",
                "url": "https://checks.example.org/fixed",
                "quoteId": ids["quote"],
                "rating": {"alternateName": "Accurate"},
                "evidence": [{"appearanceId": ids["appearance"], "note": "as printed"}],
            }
        },
    )["updateFactCheck"]
    assert changed["userErrors"] == []
    shown = changed["factCheck"]
    assert (shown["verdict"], shown["summary"], shown["reviewer"]) == (
        "VERBATIM",
        "Word for word after all.",
        "Jo Ames",  # not sent: unchanged
    )
    assert (shown["quote"], shown["url"]) == ({"id": ids["quote"]}, "https://checks.example.org/fixed")
    assert shown["rating"] == {"value": None, "best": None, "worst": None, "alternateName": "Accurate"}
    assert [(e["appearance"], e["note"]) for e in shown["evidence"]] == [
        ({"id": ids["appearance"]}, "as printed")
    ]
    assert _version(scratch_engine, key) == 2  # one change, one version (look-ups flush nothing half-done)

    # Evidence alone changed still moves the version; an empty list clears it; quoteId null detaches it.
    cleared = editor_api.query(UPDATE, {"i": {"id": key, "version": 2, "evidence": [], "quoteId": None}})[
        "updateFactCheck"
    ]
    assert cleared["userErrors"] == []
    assert (cleared["factCheck"]["evidence"], cleared["factCheck"]["quote"]) == ([], None)
    assert _version(scratch_engine, key) == 3

    history = editor_api.with_token(tokens["READER"]).query(HISTORY, {"id": key})["node"]["history"]
    events = [edge["node"] for edge in history["edges"]]
    assert [(e["operation"], e["objectVersion"]) for e in events] == [
        ("createFactCheck", 1),
        ("updateFactCheck", 2),
        ("updateFactCheck", 3),
    ]
    update = events[1]
    assert (update["before"]["verdict"], update["after"]["verdict"]) == ("ALTERED", "VERBATIM")
    assert update["before"]["rating"] == {"value": 2, "best": 5, "worst": 1, "alternateName": None}
    assert len(update["before"]["evidence"]) == 2
    assert update["after"]["evidence"] == [
        {
            "source": None,
            "appearance": ids["appearance"],
            "url": None,
            "passage": None,
            "start": None,
            "end": None,
            "note": "as printed",
        }
    ]
    assert events[2]["after"]["quote"] is None


def test_a_stale_version_is_a_conflict_showing_the_current_fact_check(
    editor_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str]
) -> None:
    key = _draft(editor_api, ids)
    editor_api.query(UPDATE, {"i": {"id": key, "version": 1, "summary": "now at 2"}})
    before = _counts(scratch_engine)
    for mutation, name, extra in (
        (UPDATE, "updateFactCheck", {"summary": "built on version 1"}),
        (PUBLISH, "publishFactCheck", {}),
    ):
        found = editor_api.query(mutation, {"i": {"id": key, "version": 1, **extra}})[name]
        (error,) = found["userErrors"]
        assert (error["field"], error["code"], error["currentVersion"]) == ("version", "CONFLICT", 2)
        assert "send version 2" in error["message"]
        assert (found["factCheck"]["summary"], found["factCheck"]["status"]) == ("now at 2", "DRAFT")
    assert _counts(scratch_engine) == before


def test_update_refuses_bad_input_and_writes_nothing(
    editor_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str]
) -> None:
    key = _draft(editor_api, ids)
    before = _counts(scratch_engine)
    cases: list[tuple[dict[str, Any], str, str, str]] = [
        ({"verdict": None}, "verdict", "INVALID", "a fact-check needs a verdict"),
        ({"claimReviewed": None}, "claimReviewed", "INVALID", "claimReviewed is empty"),
        (
            {"rating": {"value": 9, "best": 1, "worst": 5}},
            "rating",
            "INVALID",
            "rating 9 is outside the scale 5..1",
        ),
        ({"quoteId": encode_id("Quote", 999999)}, "quoteId", "NOT_FOUND", "quoteId names no stored quote"),
        ({"evidence": [{"note": "?"}]}, "evidence", "INVALID", "evidence 1: it must point at"),
        ({"reviewedOn": "2024-13"}, "reviewedOn", "INVALID", "reviewedOn:"),
    ]
    for fields, field, code, message in cases:
        found = editor_api.query(UPDATE, {"i": {"id": key, "version": 1, **fields}})["updateFactCheck"]
        (error,) = found["userErrors"]
        assert (error["field"], error["code"]) == (field, code), (fields, error)
        assert error["message"].startswith(message), (fields, error)
        assert found["factCheck"]["verdict"] == "VERBATIM"
    # A verdict may go when the original label stays.
    labelled = editor_api.query(
        UPDATE, {"i": {"id": key, "version": 1, "verdict": None, "originalLabel": "Mostly true"}}
    )["updateFactCheck"]
    assert labelled["userErrors"] == []
    assert (labelled["factCheck"]["verdict"], labelled["factCheck"]["originalLabel"]) == (None, "Mostly true")
    assert _counts(scratch_engine)["audit_event"] == before["audit_event"] + 1

    for bad_id, code in ((encode_id("FactCheck", 999999), "NOT_FOUND"), ("nonsense", "BAD_USER_INPUT")):
        found = editor_api.query(UPDATE, {"i": {"id": bad_id, "version": 1, "summary": "x"}})[
            "updateFactCheck"
        ]
        assert found["factCheck"] is None
        assert [(e["field"], e["code"]) for e in found["userErrors"]] == [("id", code)]


def test_publish_then_correct_then_retract_keeps_the_record(
    editor_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str], tokens: dict[str, str]
) -> None:
    key = _draft(editor_api, ids)
    anonymous = editor_api.with_token(None)
    node = f"query($id: ID!) {{ node(id: $id) {{ ... on FactCheck {{ {FC} }} }} }}"
    assert anonymous.query(node, {"id": key})["node"] is None

    published = editor_api.query(PUBLISH, {"i": {"id": key, "version": 1}})["publishFactCheck"]
    assert published["userErrors"] == []
    assert published["factCheck"]["status"] == "PUBLISHED"
    assert published["factCheck"]["publishedAt"] is not None
    assert anonymous.query(node, {"id": key})["node"]["status"] == "PUBLISHED"

    before = _counts(scratch_engine)
    again = editor_api.query(PUBLISH, {"i": {"id": key, "version": 2}})["publishFactCheck"]
    (error,) = again["userErrors"]
    assert (error["field"], error["code"]) == ("id", "CONFLICT")
    assert error["message"].startswith(f"fact-check {key} is already published (since ")
    assert again["factCheck"]["publishedAt"] == published["factCheck"]["publishedAt"]
    assert _counts(scratch_engine) == before

    corrected = editor_api.query(UPDATE, {"i": {"id": key, "version": 2, "summary": "Corrected."}})
    assert corrected["updateFactCheck"]["userErrors"] == []
    assert corrected["updateFactCheck"]["factCheck"]["status"] == "PUBLISHED"

    before = _counts(scratch_engine)
    empty = editor_api.query(RETRACT, {"i": {"id": key, "version": 3, "reason": "  "}})["retractFactCheck"]
    assert [(e["field"], e["code"]) for e in empty["userErrors"]] == [("reason", "INVALID")]
    assert empty["factCheck"]["status"] == "PUBLISHED"
    assert _counts(scratch_engine) == before

    retracted = editor_api.query(
        RETRACT, {"i": {"id": key, "version": 3, "reason": "The transcript was misread."}}
    )["retractFactCheck"]
    assert retracted["userErrors"] == []
    shown = anonymous.query(node, {"id": key})["node"]  # still on record, for everyone
    assert (shown["status"], shown["retractionReason"], shown["summary"]) == (
        "RETRACTED",
        "The transcript was misread.",
        "Corrected.",
    )
    assert shown["retractedAt"] is not None
    assert shown["publishedAt"] == published["factCheck"]["publishedAt"]

    before = _counts(scratch_engine)
    refusals = [
        (
            UPDATE,
            "updateFactCheck",
            {"summary": "x"},
            "retracted fact-checks keep their record; create a new one",
        ),
        (
            PUBLISH,
            "publishFactCheck",
            {},
            "a retracted fact-check cannot be published again; create a new one",
        ),
        (
            RETRACT,
            "retractFactCheck",
            {"reason": "again"},
            f"fact-check {key} is already retracted; nothing to do",
        ),
    ]
    for mutation, name, extra, message in refusals:
        found = editor_api.query(mutation, {"i": {"id": key, "version": 4, **extra}})[name]
        assert [(e["field"], e["code"], e["message"]) for e in found["userErrors"]] == [
            ("id", "CONFLICT", message)
        ]
        assert found["factCheck"]["status"] == "RETRACTED"
    deleted = editor_api.with_token(tokens["ADMIN"]).query(DELETE, {"i": {"id": key, "version": 4}})
    (error,) = deleted["deleteFactCheck"]["userErrors"]
    assert (error["field"], error["code"]) == ("id", "CONFLICT")
    assert "retracted and stays on record" in error["message"]
    assert _counts(scratch_engine) == before

    history = editor_api.with_token(tokens["READER"]).query(HISTORY, {"id": key})["node"]["history"]
    events = [edge["node"] for edge in history["edges"]]
    assert [(e["operation"], e["actor"], e["objectVersion"]) for e in events] == [
        ("createFactCheck", "editor-token", 1),
        ("publishFactCheck", "editor-token", 2),
        ("updateFactCheck", "editor-token", 3),
        ("retractFactCheck", "editor-token", 4),
    ]
    publish, retract = events[1], events[3]
    assert (publish["before"]["status"], publish["after"]["status"]) == ("DRAFT", "PUBLISHED")
    assert (publish["before"]["publishedAt"], publish["after"]["publishedAt"] is not None) == (None, True)
    assert (retract["before"]["status"], retract["after"]["status"]) == ("PUBLISHED", "RETRACTED")
    assert retract["after"]["retractionReason"] == "The transcript was misread."


def test_a_draft_cannot_be_retracted_but_deleted(
    editor_api: GraphQLClient, admin_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str]
) -> None:
    key = _draft(editor_api, ids)
    before = _counts(scratch_engine)
    found = editor_api.query(RETRACT, {"i": {"id": key, "version": 1, "reason": "never mind"}})[
        "retractFactCheck"
    ]
    assert [(e["field"], e["code"], e["message"]) for e in found["userErrors"]] == [
        (
            "id",
            "CONFLICT",
            f"fact-check {key} is a draft, which nobody else has seen: delete the draft instead",
        )
    ]
    assert found["factCheck"]["status"] == "DRAFT"
    assert _counts(scratch_engine) == before


def test_delete_removes_a_draft_and_its_evidence_only(
    editor_api: GraphQLClient, admin_api: GraphQLClient, scratch_engine: Engine, ids: dict[str, str]
) -> None:
    draft = _create(
        editor_api, verdict="ALTERED", evidence=[{"sourceId": ids["article"], "passage": PASSAGE}]
    )["id"]
    published = _published(editor_api, scratch_engine, ids)
    before = _counts(scratch_engine)

    refused = admin_api.query(DELETE, {"i": {"id": published, "version": 2}})["deleteFactCheck"]
    assert refused["deletedId"] is None
    (error,) = refused["userErrors"]
    assert (error["field"], error["code"]) == ("id", "CONFLICT")
    assert error["message"] == (
        f"fact-check {published} is published and stays on record; retract it with retractFactCheck instead"
    )
    stale = admin_api.query(DELETE, {"i": {"id": draft, "version": 7}})["deleteFactCheck"]
    assert [(e["field"], e["code"], e["currentVersion"]) for e in stale["userErrors"]] == [
        ("version", "CONFLICT", 1)
    ]
    assert _counts(scratch_engine) == before

    done = admin_api.query(DELETE, {"i": {"id": draft, "version": 1}})["deleteFactCheck"]
    assert (done["deletedId"], done["userErrors"]) == (draft, [])
    after = _counts(scratch_engine)
    assert (after["fact_check"], after["evidence"], after["audit_event"]) == (
        before["fact_check"] - 1,
        before["evidence"] - 1,
        before["audit_event"] + 1,
    )
    with session_scope(scratch_engine) as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (event.operation, event.actor, event.object_id, event.after) == (
            "deleteFactCheck",
            "admin-token",
            _key(draft),
            None,
        )
        assert event.before is not None
        assert event.before["status"] == "DRAFT"
        assert event.before["evidence"][0]["passage"] == PASSAGE
    gone = admin_api.query(DELETE, {"i": {"id": draft, "version": 1}})["deleteFactCheck"]
    assert [(e["field"], e["code"]) for e in gone["userErrors"]] == [("id", "NOT_FOUND")]


def test_roles_are_checked_before_anything_is_read_or_written(
    scratch_api: GraphQLClient,
    editor_api: GraphQLClient,
    scratch_engine: Engine,
    ids: dict[str, str],
    tokens: dict[str, str],
) -> None:
    key = _draft(editor_api, ids)
    calls = [
        (CREATE, {"claimReviewed": "x", "verdict": "ALTERED"}, "createFactCheck"),
        (UPDATE, {"id": key, "version": 1, "summary": "x"}, "updateFactCheck"),
        (PUBLISH, {"id": key, "version": 1}, "publishFactCheck"),
        (RETRACT, {"id": key, "version": 1, "reason": "x"}, "retractFactCheck"),
        (DELETE, {"id": key, "version": 1}, "deleteFactCheck"),
    ]
    before = _counts(scratch_engine)
    reader = scratch_api.with_token(tokens["READER"])
    for mutation, given, name in calls:
        (error,) = scratch_api.errors(mutation, {"i": given})
        assert error["extensions"]["code"] == "UNAUTHENTICATED", name
        (error,) = reader.errors(mutation, {"i": given})
        assert error["extensions"]["code"] == "FORBIDDEN", name
        assert name in error["message"]
    (error,) = editor_api.errors(DELETE, {"i": {"id": key, "version": 1}})
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert _counts(scratch_engine) == before
    with session_scope(scratch_engine) as s:
        assert s.scalar(select(func.count()).select_from(FactCheck)) == 1


def test_the_operations_record_nothing_when_called_by_importers(scratch_engine: Engine) -> None:
    """The building blocks stay silent (their caller records the one event); the operations record one."""
    with session_scope(scratch_engine, write=True) as s:
        draft = factchecks.create_fact_check(s, claim_reviewed="A claim", verdict="ALTERED")
        factchecks.publish_fact_check(s, draft)
        mine = select(AuditEvent.operation).where(AuditEvent.object_type == "FactCheck")
        assert list(s.scalars(mine)) == []
        audit.record(s, "seed", draft)
        factchecks.retract(s, draft.id, version=draft.version, reason="wrong quote")
        assert list(s.scalars(mine.order_by(AuditEvent.id))) == ["seed", "retractFactCheck"]

"""The web page in a real browser: Debian's headless Chromium, driven by Playwright, against `quotecheck serve
--demo` run as its own process on a free port, as a fact-checker would run it. Each page is photographed, at a
desktop and a phone width, into QUOTECHECK_SCREENSHOTS (default: artifacts/screenshots in the repository).

Skipped, saying why, where Playwright or /usr/bin/chromium is missing (`.ci/run` installs both). Playwright's
own browser downloads are never used.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from quotecheck import migrate
from tests.test_check_api import CLAIMS

try:
    from playwright.sync_api import (
        Browser,
        ConsoleMessage,
        Page,
        Request,
        ViewportSize,
        expect,
        sync_playwright,
    )
except ModuleNotFoundError:  # pragma: no cover - the dev extra installs it
    pytest.skip("Playwright is not installed: pip install -e '.[dev]'", allow_module_level=True)

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():  # pragma: no cover - .ci/run installs it
    pytest.skip(
        f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium)",
        allow_module_level=True,
    )

if os.environ.get("QUOTECHECK_TEST_DATABASE_URL"):
    # The page talks to its own `quotecheck serve --demo` on a temporary SQLite file, whatever engine the rest
    # of the suite is testing: a second run would test the same thing again (the API on PostgreSQL is tested
    # by the other modules).
    pytest.skip(
        "the browser tests run in the SQLite pass (they serve the demo from SQLite)", allow_module_level=True
    )

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("QUOTECHECK_SCREENSHOTS") or ROOT / "artifacts" / "screenshots")
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
WAIT_MS = 10_000


@dataclass
class Server:
    base: str
    token: str
    log: Path


@dataclass
class Watch:
    """What a page did that it must not: ask another host for anything, or throw."""

    base: str
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        # Chromium logs every 4xx answer; a refused token is one the page explains itself
        if message.type == "error" and "status of 401" not in message.text:
            self.errors.append(message.text)

    def request(self, request: Request) -> None:
        if not (request.url.startswith(self.base) or request.url.startswith(("data:", "blob:"))):
            self.external.append(request.url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "quotecheck", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("browser")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUOTECHECK_")}
    env["QUOTECHECK_DATABASE_URL"] = url = f"sqlite:///{work / 'web.db'}"
    migrate.upgrade(migrate.alembic_config(url), "head")  # as `quotecheck db upgrade`, one process fewer
    token = _cli(env, "token", "create", "--name", "browser-editor", "--role", "editor").split()[0]
    port = _free_port()
    log = work / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "quotecheck",
                "serve",
                "--demo",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"quotecheck serve exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"not ready in 60 s:\n{log.read_text()}"
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield Server(base, token, log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh tab (no stored token); after the test, it must have asked no other host and thrown nothing."""
    context = browser.new_context(viewport=DESKTOP, base_url=server.base, locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    watch = Watch(server.base)
    context.on("request", watch.request)
    opened = context.new_page()
    opened.on("pageerror", lambda error: watch.errors.append(str(error)))
    opened.on("console", watch.console)
    yield opened
    context.close()
    assert watch.external == [], "the page asked another host"
    assert watch.errors == [], "the page reported errors"


def shoot(page: Page, name: str, *, phone: bool = True) -> None:
    """Full-page screenshots at the desktop and the phone width (the page redraws for the narrow one)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)  # no hover colour left on the last button clicked
    page.screenshot(path=SHOTS / f"{name}-desktop.png", full_page=True)
    if not phone:
        return
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(350)  # the provenance picture is redrawn 200 ms after a resize
    wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"{name}: the page is {wide}px wider than a phone"
    page.screenshot(path=SHOTS / f"{name}-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(350)


def unlabelled(page: Page) -> list[str]:
    """Form controls a screen reader could not name."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll("input, select, textarea, button")]
            .filter((e) => e.type !== "hidden" && !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
                && !(e.tagName === "BUTTON" && e.textContent.trim()))
            .map((e) => e.outerHTML.slice(0, 80))"""
    )
    return found


def _api(server: Server, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(f"{server.base}/graphql", json={"query": query, "variables": variables}, timeout=10)
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def test_search_with_words_and_filters(page: Page, server: Server) -> None:
    total = _api(server, "{ quotes { totalCount } }")["quotes"]["totalCount"]
    page.goto("/")
    expect(page.get_by_role("heading", name="Search quotes")).to_be_visible()
    expect(page.locator("#result-count")).to_have_text(f"{total} quotes")
    words = page.get_by_label("Words")
    words.fill("universal military posture")
    words.press("Enter")  # the form is used from the keyboard
    expect(page.locator("#result-count")).to_contain_text("2 quotes matching")
    expect(page.locator(".result mark").first).to_be_visible()
    expect(page.locator(".result").first).to_contain_text("Sergey Lavrov")
    assert unlabelled(page) == []
    shoot(page, "search")

    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Fact-checked as").select_option(label="Altered")
    page.get_by_label("Outlet").select_option(label="Coastline Wire")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_have_text("1 quote")
    expect(page.locator(".result")).to_contain_text("the town must cover the ferry subsidy")


def test_search_pages_with_cursors(page: Page, server: Server) -> None:
    total = _api(server, "{ quotes { totalCount } }")["quotes"]["totalCount"]
    assert 10 < total <= 20, "the demo fills one page of 10 and part of a second"
    page.goto("/")
    expect(page.locator(".result")).to_have_count(10)
    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".result")).to_have_count(total - 10)
    expect(page.get_by_role("link", name="Next →")).to_have_count(0)
    page.get_by_role("link", name="← Previous").click()
    expect(page.locator(".result")).to_have_count(10)
    expect(page.get_by_role("link", name="← Previous")).to_have_count(0)


def test_a_bad_date_is_explained(page: Page) -> None:
    page.goto("/#/?from=March")  # as if typed into the address bar: the API's own message is shown
    expect(page.locator(".error-box")).to_contain_text("The search could not be run.")
    expect(page.locator(".error-box")).to_contain_text("March")


def test_the_brief_leads_back_to_foreign_policy(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Words").fill("raison d'être")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_contain_text("1 quote")
    page.locator(".result blockquote a").click()
    expect(page.get_by_role("heading", name="Quote by Sergey Lavrov")).to_be_visible()
    expect(page.locator("#speaker-role")).to_contain_text("Minister of Foreign Affairs, Russian Federation")
    figure = page.locator("#chain svg")
    expect(figure).to_be_visible()
    # one appearance: the brief's excerpt, drawn below Foreign Policy's transcript of the March 2013 interview
    origin, brief = figure.locator("g.node.on-path").all()
    expect(brief).to_contain_text("Excerpt in “Sergey Lavrov in Foreign Policy Magazine")
    expect(brief).to_contain_text("First recorded appearance")
    expect(origin).to_have_class(re.compile(r"\broot\b"))
    expect(origin).to_contain_text("Primary source")
    expect(origin).to_contain_text("Foreign Policy")
    expect(origin).to_contain_text("interview in Moscow, March 2013")
    expect(figure.locator("path.link.on-path")).to_have_count(1)
    expect(page.locator("#appearances .card")).to_have_count(1)
    expect(page.locator("#appearances")).to_contain_text("Russian Foreign Minister Sergey Lavrov")
    shoot(page, "quote")


def test_the_headline_is_traced_through_the_excerpt(page: Page, server: Server) -> None:
    found = _api(server, '{ quotes(filter: {textContains: "Takes Universal"}) { edges { node { id } } } }')
    (edge,) = found["quotes"]["edges"]
    page.goto(f"/#/quote/{edge['node']['id']}")
    path = page.locator("#chain svg g.node.on-path")
    expect(path).to_have_count(3)  # the headline, the excerpt it paraphrases, Foreign Policy
    expect(path.nth(0)).to_contain_text("Primary source")
    expect(path.nth(1)).to_contain_text("Excerpt in")
    expect(path.nth(2)).to_contain_text("Headline in")


def test_tracing_another_appearance_from_the_keyboard(page: Page, server: Server) -> None:
    found = _api(
        server, '{ quotes(filter: {textContains: "put my name to that"}) { edges { node { id } } } }'
    )
    page.goto(f"/#/quote/{found['quotes']['edges'][0]['node']['id']}")
    expect(page.locator("#appearances .card")).to_have_count(4)
    expect(page.locator("#chain svg g.node.first")).to_contain_text("Harbour Radio News at six")
    wire = page.locator("#appearances .card", has_text="Marrowick mayor sets autumn deadline")
    wire.get_by_role("button", name="Trace").focus()
    page.keyboard.press("Enter")
    expect(wire.get_by_role("button", name="Trace")).to_have_attribute("aria-pressed", "true")
    path = page.locator("#chain svg g.node.on-path")
    expect(path).to_have_count(3)  # wire -> Courier -> the radio transcript
    expect(path.nth(2)).to_contain_text("Marrowick mayor sets autumn deadline")
    expect(page.locator("#fact-checks + .cards")).to_contain_text("Verbatim")
    shoot(page, "quote-fictional")


@pytest.mark.parametrize(("text", "speaker", "verdict"), CLAIMS, ids=[c[2] for c in CLAIMS])
def test_check_a_quote(page: Page, text: str, speaker: str, verdict: str) -> None:
    page.goto("/#/check")
    page.get_by_label("Quote as published").fill(text)
    page.get_by_label("Attributed to").fill(speaker)
    page.get_by_role("button", name="Check").click()
    result = page.locator("#verdict")
    expect(result).to_have_attribute("data-verdict", verdict)
    expect(page.locator("#check-result")).to_have_attribute("aria-live", "polite")
    matches = page.locator(".match")
    if verdict == "NOT_FOUND":
        expect(matches).to_have_count(0)
        expect(page.locator("#check-result")).to_contain_text("No stored passage bears on this quote")
    else:
        expect(matches.first).to_be_visible()
    if verdict == "ALTERED":
        primary = matches.first
        expect(primary.locator(".badge.primary")).to_have_text("Primary")
        expect(primary.locator(".passage del.d.substitution")).to_contain_text("will")
        expect(primary.locator(".passage ins.d.substitution")).to_contain_text("must")
        expect(primary.locator(".claimed ins.d.substitution")).to_contain_text("must")
        expect(page.get_by_role("heading", name="Secondary evidence")).to_be_visible()
    if verdict == "VERBATIM_WITH_ELISIONS":
        primary = matches.first
        expect(primary.locator(".passage del.d.elision.risk")).to_contain_text("never")
        expect(primary.locator(".claimed mark.d.marker.risk")).to_contain_text("[...]")
        expect(primary.locator(".diffs")).to_contain_text("the cut drops a negation")
        expect(result.locator(".risk-badge")).to_have_text("⚠ Context risk")
    if verdict == "MISATTRIBUTED":
        expect(matches.first).to_contain_text("said by Tomas Reyes (REYES), not Elena Várga")
    if verdict == "PARAPHRASED":
        expect(matches.first.locator(".badge.secondary")).to_have_text("Secondary")
    expect(page.locator(".publish")).to_contain_text("enter your token to publish")
    assert unlabelled(page) == []
    shoot(page, f"check-{verdict.lower().replace('_', '-')}")


def test_the_speaker_box_offers_the_person_a_title_names(page: Page) -> None:
    page.goto("/#/check")
    box = page.get_by_label("Attributed to")
    box.fill("Mayor E. Varga")
    box.dispatch_event("input")
    options = page.locator("#speaker-names option")
    expect(options.first).to_have_attribute("value", "Elena Várga")
    expect(options.first).to_have_attribute(
        "label", re.compile(r"^Elena Várga \(initials compatible with the given names\)$")
    )


def test_a_wrong_token_is_refused_clearly(page: Page) -> None:
    page.goto("/")
    page.get_by_text("Editor sign-in").click()
    page.get_by_label("Editor API token").fill("qc_not-a-token")
    page.get_by_role("button", name="Use token").click()
    expect(page.locator("#token-status")).to_contain_text("check it was copied whole")
    page.get_by_label("Editor API token").fill("qc_" + "A" * 43)  # well formed, but never issued
    page.get_by_role("button", name="Use token").click()
    expect(page.locator("#token-status")).to_contain_text("unknown or revoked")
    expect(page.locator("#token-state")).to_have_text("Editor sign-in")
    assert page.evaluate("() => sessionStorage.getItem('quotecheck.token')") is None


def test_publish_a_fact_check_as_an_editor(page: Page, server: Server) -> None:
    text, speaker, _ = next(claim for claim in CLAIMS if claim[2] == "ALTERED")
    page.goto("/")
    page.get_by_text("Editor sign-in").click()
    page.get_by_label("Editor API token").fill(server.token)
    page.get_by_role("button", name="Use token").click()
    expect(page.locator("#token-state")).to_have_text("Editor: token set")
    stored = page.evaluate("() => sessionStorage.getItem('quotecheck.token')")
    assert stored == server.token
    # accepted: the sign-in box closes by itself and no longer covers the page
    expect(page.locator("#token-form")).to_be_hidden()
    assert page.evaluate("() => document.getElementById('token-box').open") is False

    page.get_by_role("link", name="Check a quote").click()
    page.get_by_label("Quote as published").fill(text)
    page.get_by_label("Attributed to").fill(speaker)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "ALTERED")
    form = page.get_by_role("form", name="Publish a fact-check")
    expect(form.locator("#publish-quote")).to_contain_text("These words are a recorded quote")
    expect(form.get_by_label("Verdict")).to_have_value("ALTERED")
    form.get_by_label("Reviewer").fill("Browser Test Desk")
    form.get_by_label("Summary").fill(
        "The transcript says the town will cover the subsidy; the wire made it must."
    )
    assert unlabelled(page) == []
    form.get_by_role("button", name="Publish fact-check").click()
    expect(page.locator("#publish-status")).to_contain_text("Published: the fact-check is public")
    shoot(page, "publish")

    published = _api(
        server,
        '{ factChecks(filter: {reviewer: "Browser Test Desk"}) { edges { node { status verdict claimReviewed '
        "summary quote { text } evidence { source { title } passage } } } } }",
    )
    (check,) = [edge["node"] for edge in published["factChecks"]["edges"]]
    assert check["status"] == "PUBLISHED"
    assert check["verdict"] == "ALTERED"
    assert check["claimReviewed"] == text
    assert check["quote"]["text"] == text
    assert check["evidence"][0]["passage"] == text.replace("must", "will")

    page.locator("#publish-status").get_by_role("link").click()
    expect(page.locator("#fact-checks + .cards")).to_contain_text("Browser Test Desk")


def test_graphiql_runs_offline(page: Page) -> None:
    page.goto("/graphql")
    expect(page.locator(".graphiql-container")).to_be_visible()
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text("totalCount", timeout=WAIT_MS)
    shoot(page, "graphiql", phone=False)  # GraphiQL's own layout is made for wide screens


# --- the page never states more than the data holds (issue 20) ------------------------------------------------


def _quote_id(server: Server, words: str) -> str:
    found = _api(
        server,
        "query ($w: String!) { quotes(filter: {textContains: $w}) { edges { node { id } } } }",
        {"w": words},
    )
    (edge,) = found["quotes"]["edges"]
    return str(edge["node"]["id"])


def test_a_headline_is_attributed_not_said(page: Page, server: Server) -> None:
    page.goto("/")
    page.get_by_label("Words").fill("universal military posture")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_contain_text("2 quotes matching")
    headline = page.locator(".result", has_text="NATO Takes Universal Military Posture")
    excerpt = page.locator(".result", has_text="NATO making its military posture universal")
    expect(headline.locator(".badge.form")).to_have_text("Headline")
    expect(headline.locator(".who")).to_have_text("attributed to Sergey Lavrov")
    expect(headline).to_contain_text("dated March 2013")
    expect(excerpt.locator(".badge.form")).to_have_count(0)
    expect(excerpt.locator(".who")).to_have_text("said by Sergey Lavrov")
    # what "first" means: the earliest appearance recorded here; the interview's own printing is named apart
    expect(headline.locator(".first-recorded")).to_contain_text(
        "first recorded appearance: comiterepubliquecanada.ca"
    )
    expect(headline.locator(".recorded")).to_have_text(
        "recorded in: Foreign Policy, 29 April 2013 (primary source, text not held)"
    )
    expect(page.locator("#results")).not_to_contain_text("first printed")
    shoot(page, "search-headline")

    headline.locator("blockquote a").click()
    expect(page.get_by_role("heading", name="Headline attributed to Sergey Lavrov")).to_be_visible()
    assert page.title() == "Headline attributed to Sergey Lavrov · quotecheck"
    expect(page.locator("#words-form")).to_contain_text("not a record of what Sergey Lavrov said")
    expect(page.locator("dl.facts dt").first).to_have_text("Attributed to")
    expect(page.locator("dl.facts dt").nth(1)).to_have_text("Dated")
    boxes = page.locator("#chain svg g.node.on-path")
    expect(boxes.nth(2)).to_contain_text("Headline in")
    expect(boxes.nth(2)).to_contain_text("≈ not the words as said")
    expect(boxes.nth(1)).not_to_contain_text("not the words as said")  # the excerpt prints them as said
    shoot(page, "quote-headline")


def test_a_translation_and_a_paraphrase_say_so_where_the_words_are(page: Page, server: Server) -> None:
    page.goto(f"/#/quote/{_quote_id(server, 'Le pont sera ouvert')}")
    expect(page.get_by_role("heading", name="Quote by Elena Várga (translation)")).to_be_visible()
    expect(page.locator("#words-form .badge")).to_have_text("Translation")
    page.goto(f"/#/quote/{_quote_id(server, 'the library and the roads')}")
    expect(page.get_by_role("heading", name="Paraphrase attributed to Elena Várga")).to_be_visible()
    page.goto("/")
    page.get_by_label("Words").fill("library roads paying")
    page.get_by_role("button", name="Search").click()
    paraphrase = page.locator(".result", has_text="the library and the roads are paying")
    expect(paraphrase.locator(".badge.form")).to_have_text("Paraphrase")
    expect(paraphrase.locator(".who")).to_have_text("attributed to Elena Várga")


def test_no_check_mark_on_a_source_whose_text_is_not_held(page: Page, server: Server) -> None:
    page.goto(f"/#/quote/{_quote_id(server, 'raison d')}")
    origin = page.locator("#chain svg g.node.root")
    expect(origin).to_contain_text("Primary source")
    expect(origin).to_contain_text("○ text not held: nothing checked against it")
    expect(origin).not_to_contain_text("✔")
    expect(page.locator("dl.facts .not-held")).to_contain_text("its text is not held here")
    # nested quote marks: the title's own single quotes sit inside the double ones
    card = page.locator("#appearances .card").first
    expect(card).to_contain_text("taken from “‘The Law of Politics’ According to Sergei Lavrov”")
    expect(card).not_to_contain_text("“'The")
    shoot(page, "quote-not-held")

    page.goto(f"/#/quote/{_quote_id(server, 'put my name to that')}")
    held = page.locator("#chain svg g.node.root")
    expect(held).to_contain_text("✔ text held: quotes are checked against its words")


def test_date_placeholders_do_not_look_like_values(page: Page) -> None:
    for where in ("/", "/#/check"):
        page.goto(where)
        dates = page.locator("input[inputmode=numeric]")
        expect(dates.first).to_be_visible()
        for placeholder in [dates.nth(i).get_attribute("placeholder") for i in range(dates.count())]:
            assert placeholder is not None and not re.match(r"\d", placeholder), placeholder
        style = page.evaluate(
            """() => getComputedStyle(document.querySelector("input[inputmode=numeric]"), "::placeholder").fontStyle"""
        )
        assert style == "italic"


def _write(server: Server, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{server.base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=10,
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert payload["userErrors"] == [], payload
    return dict(payload)


def test_the_check_compares_secondary_evidence_with_the_quotation(page: Page, server: Server) -> None:
    """A report whose one sentence holds two quotations, taken from Foreign Policy's interview (text not held):
    the check lines the claim up with one quotation, never with the reporter's words between the two."""
    first, second = "The old treaty is finished", "I would sign a new one tomorrow"
    text = f"Asked about the treaty, Lavrov said: “{first},” before adding, with a smile: “{second}.”"
    found = _api(
        server,
        '{ speakers(filter: {name: "lavrov"}) { edges { node { id } } } '
        'sources(search: "Law of Politics") { edges { node { id title } } } }',
    )
    lavrov = found["speakers"]["edges"][0]["node"]["id"]
    (origin,) = [
        e["node"]["id"] for e in found["sources"]["edges"] if "Law of Politics" in e["node"]["title"]
    ]
    report = _write(
        server,
        "mutation ($i: CreateSourceInput!) { createSource(input: $i) { source { id } userErrors { message } } }",
        {"i": {"kind": "ARTICLE", "title": "Treaty talk in brief", "text": text, "language": "en"}},
    )["source"]["id"]
    for words in (first, second):
        quote = _write(
            server,
            "mutation ($i: CreateQuoteInput!) { createQuote(input: $i) { quote { id } userErrors { message } } }",
            {"i": {"speakerId": lavrov, "text": words, "language": "en"}},
        )["quote"]["id"]
        _write(
            server,
            "mutation ($i: CreateAppearanceInput!) { createAppearance(input: $i) { appearance { id } "
            "userErrors { message } } }",
            {
                "i": {
                    "quoteId": quote,
                    "sourceId": report,
                    "textAsPublished": words,
                    "relation": "EXCERPT",
                    "takenFromSourceId": origin,
                }
            },
        )
    page.goto("/#/check")
    # One word changed ("We" for "I"): ALTERED, shown against the one quotation (tests/test_check.py holds the
    # claim that straddles both quotations)
    page.get_by_label("Quote as published").fill("We would sign a new one tomorrow")
    page.get_by_label("Attributed to").fill("Sergey Lavrov")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "ALTERED")
    match = page.locator(".match", has_text="Treaty talk in brief")
    expect(match.locator(".badge.secondary")).to_have_text("Secondary")
    expect(match.locator(".passage")).to_contain_text("would sign a new one tomorrow")
    expect(match.locator(".passage del.d.substitution")).to_have_text(re.compile(r"\bI\b"))
    expect(match.locator(".passage")).not_to_contain_text("finished")
    expect(match.locator(".diffs")).not_to_contain_text("is finished")
    expect(page.locator("#check-result")).not_to_contain_text("before adding")
    shoot(page, "check-two-quotations")

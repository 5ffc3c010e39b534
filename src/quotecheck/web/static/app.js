// quotecheck's page: a small client of the public GraphQL API (see queries.js), with hash routes
//   #/?q=…&speaker=…  search      #/quote/ID?appearance=ID  a quote      #/check?text=…&speaker=…  the check.
// Everything from the API is put in the page as text (never as HTML), so stored words cannot inject markup.
import * as Q from "./queries.js";

const TOKEN_KEY = "quotecheck.token";
const PAGE_SIZE = 10;
const SVG_NS = "http://www.w3.org/2000/svg";

const VERDICTS = {
  VERBATIM: ["Verbatim", "Every word as said."],
  VERBATIM_WITH_ELISIONS: ["Verbatim with elisions", "Marked cuts only; every kept word as said."],
  ALTERED: ["Altered", "Words changed, added or silently dropped."],
  PARAPHRASED: ["Paraphrased", "Presented as a quote, but only the sense matches."],
  MISATTRIBUTED: ["Misattributed", "The words exist, but someone else said them."],
  NOT_FOUND: ["Not found", "No source in this database holds it (not the same as fabricated)."],
};
const RELATIONS = {
  VERBATIM: "Verbatim",
  EXCERPT: "Excerpt",
  TRANSLATION: "Translation",
  PARAPHRASE: "Paraphrase",
  HEADLINE: "Headline",
};
const KINDS = {
  ELISION: "Elision",
  SUBSTITUTION: "Substitution",
  INSERTION: "Insertion",
  OMISSION: "Omission",
  EDITORIAL: "Editorial bracket",
  CONTEXT_RISK: "Context risk",
};
const SOURCE_KINDS = {
  TRANSCRIPT: "Transcript",
  ARTICLE: "Article",
  BRIEF: "Brief",
  BROADCAST: "Broadcast",
  SOCIAL_POST: "Social post",
  PRESS_RELEASE: "Press release",
  BOOK: "Book",
  OTHER: "Document",
};
// Relations whose words are not the speaker's as said: shown as such wherever the words are shown.
const NOT_AS_SAID = new Set(["HEADLINE", "PARAPHRASE"]);
const AS_SAID = new Set(["VERBATIM", "EXCERPT"]);
const FORM_NOTES = {
  HEADLINE: "a headline: the outlet’s words, presented as the speaker’s",
  PARAPHRASE: "a paraphrase: the sense, not the words as said",
  TRANSLATION: "a translation: not the words as said, in another language",
};
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];
const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

// --- the API ---------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(messages, status = 0) {
    super(messages.join("; "));
    this.messages = messages;
    this.status = status;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

/** One GraphQL operation; `auth` sends the editor's token (reads go without it, so a stale token never
 * stops anyone from reading). Errors come back as ApiError with the API's own messages. */
async function api(query, variables = {}, { auth = false } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" };
  if (auth && token()) headers.Authorization = `Bearer ${token()}`;
  let response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new ApiError(["The quotecheck server cannot be reached. Check that it is running, then try again."]);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError([`The server answered ${response.status} ${response.statusText} without a GraphQL response; try again, or ask an administrator to look at its log.`], response.status);
  }
  if (body.errors && body.errors.length) {
    throw new ApiError(body.errors.map((e) => e.message), response.status);
  }
  return body.data;
}

// --- DOM helpers -----------------------------------------------------------------------------------------------

/** h("p", {class: "x"}, "text", child…): an element; strings become text nodes, null/false are skipped. */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child) element.append(child);
  return element;
}

const main = () => document.getElementById("main");

function errorBox(error, what) {
  const messages = error instanceof ApiError ? error.messages : [String(error && error.message ? error.message : error)];
  const box = h("div", { class: "error-box", role: "alert" }, h("p", {}, h("strong", {}, what)));
  for (const message of messages) box.append(h("p", {}, message));
  if (error instanceof ApiError && error.status === 401) {
    box.append(h("p", {}, "Open “Editor sign-in” at the top to enter a valid token, or forget the stored one."));
  }
  return box;
}

/** How a quote's words stand, from the relations of its appearances: `attributed` when every one is a headline or
 * a paraphrase (the words are attributed to the speaker, not said by them), and the forms to name beside the
 * words when none prints them as said ("Headline", "Translation"). */
function wordsForm(relations) {
  const seen = [...new Set(relations)];
  const attributed = seen.length > 0 && seen.every((r) => NOT_AS_SAID.has(r));
  const forms = seen.some((r) => AS_SAID.has(r)) ? [] : seen.filter((r) => FORM_NOTES[r]);
  return { attributed, forms };
}

function formBadges(forms) {
  return forms.map((r) => h("span", { class: `badge form form-${r}`, title: FORM_NOTES[r] }, RELATIONS[r]));
}

/** A title inside “…”: its own quote marks become single curly ones, so the marks nest as they should. */
function quoted(title) {
  const inner = title
    .replace(/(^|[\s(\[—–-])["“]/g, "$1‘")
    .replace(/["”]/g, "’")
    .replace(/(^|[\s(\[—–-])'/g, "$1‘")
    .replace(/'/g, "’");
  return `“${inner}”`;
}

function partialDate(iso) {
  if (!iso) return "";
  const [year, month, day] = iso.split("-");
  if (!month) return year;
  const name = MONTHS[Number(month) - 1] || month;
  return day ? `${Number(day)} ${name} ${year}` : `${name} ${year}`;
}

function verdictBadge(verdict, extra = "") {
  const [label, description] = VERDICTS[verdict] || [verdict, ""];
  return h("span", { class: `badge verdict verdict-${verdict} ${extra}`.trim(), title: description }, label);
}

function pct(value) {
  return `${Math.round(value * 100)}%`;
}

function shorten(text, length) {
  return text.length <= length ? text : `${text.slice(0, length - 1).trimEnd()}…`;
}

/** Words in lines of at most `width` characters; past `lines` lines the last one ends with "…". */
function wrap(text, width, lines) {
  const out = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = current ? `${current} ${word}` : word;
    if (next.length <= width || !current) current = next;
    else {
      out.push(current);
      current = word;
    }
  }
  if (current) out.push(current);
  if (out.length > lines) {
    out.length = lines;
    out[lines - 1] = shorten(`${out[lines - 1]} …`, width);
  }
  return out.map((line) => shorten(line, width));
}

/** A snippet from the search ("… «word» …") with the matched words marked. */
function snippet(text) {
  const parts = text.split(/«|»/);
  return parts.map((part, i) => (i % 2 ? h("mark", {}, part) : part));
}

function hashParams() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  return { path: path || "/", params: new URLSearchParams(query) };
}

/** Show a page: a new address goes into the history; the same one again (Search twice) runs it again. */
function go(path, params) {
  const query = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString() : "";
  const hash = `#${path}${query ? `?${query}` : ""}`;
  if (location.hash === hash) route();
  else location.hash = hash;
}

const WEB_LINK = /^https?:\/\//i;

/** A link to a stored URL, or plain text when the URL is not a web address (a `javascript:` one, say). */
function link(url, text) {
  return url && WEB_LINK.test(url) ? h("a", { href: url, rel: "noopener noreferrer" }, text) : text;
}

function setTitle(title) {
  document.title = title ? `${title} · quotecheck` : "quotecheck";
}

/** After a page change: move focus to its heading, so keyboard and screen-reader users start there. */
function focusHeading() {
  const heading = main().querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

function field(id, label, control, hint) {
  control.id = id;
  if (hint) control.setAttribute("aria-describedby", `${id}-hint`);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null);
}

// speaker names as the user types: a datalist filled from `resolveSpeaker(name)` (whom the name as written may
// mean, with the reason: "Mayor Várga" offers Elena Várga) and `speakers(filter: {name})` (names that start so)
function speakerInput(name, value) {
  const listId = `${name}-names`;
  const input = h("input", { name, type: "text", value: value || "", list: listId, autocomplete: "off", spellcheck: "false" });
  const list = h("datalist", { id: listId });
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const words = input.value.trim();
    if (words.length < 2) return;
    timer = setTimeout(async () => {
      try {
        const data = await api(Q.SPEAKER_NAMES, { name: words });
        const names = new Map();
        for (const { speaker, reason } of data.resolveSpeaker) if (!names.has(speaker.name)) names.set(speaker.name, reason);
        for (const { node } of data.speakers.edges) if (!names.has(node.name)) names.set(node.name, "");
        list.replaceChildren(...[...names].map(([n, reason]) => h("option", { value: n, label: reason ? `${n} (${reason})` : n })));
      } catch {
        // suggestions are a help only: the search itself reports errors
      }
    }, 200);
  });
  return [input, list];
}

// --- the search page -------------------------------------------------------------------------------------------

let outletsCache = null;
let redrawChain = null; // set by the quote page: the picture is drawn to the width it has

async function outlets() {
  if (!outletsCache) {
    outletsCache = api(Q.OUTLETS).then((data) => data.outlets.edges.map((e) => e.node)).catch((error) => {
      outletsCache = null;
      throw error;
    });
  }
  return outletsCache;
}

async function searchPage(params) {
  setTitle("Search quotes");
  const [speaker, speakerList] = speakerInput("speaker", params.get("speaker"));
  const outletSelect = h("select", { name: "outlet" }, h("option", { value: "" }, "Any outlet"));
  const verdictSelect = h(
    "select",
    { name: "verdict" },
    h("option", { value: "" }, "Any (or none)"),
    Object.entries(VERDICTS).map(([value, [label]]) => h("option", { value, selected: params.get("verdict") === value }, label)),
  );
  const dateInput = (name) =>
    h("input", { name, type: "text", inputmode: "numeric", placeholder: "YYYY-MM-DD", value: params.get(name) || "", pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?" });
  const form = h(
    "form",
    { class: "panel search-form", role: "search", "aria-label": "Search quotes" },
    h("div", { class: "wide" }, field("q", "Words", h("input", { name: "q", type: "search", value: params.get("q") || "", placeholder: "military posture, \"rule of law\", -ferry" }))),
    h("div", { class: "wide" }, field("speaker", "Speaker", speaker), speakerList),
    h("div", { class: "mid" }, field("outlet", "Outlet", outletSelect)),
    h("div", { class: "mid" }, field("verdict", "Fact-checked as", verdictSelect)),
    h("div", { class: "narrow" }, field("from", "Said from", dateInput("from"))),
    h("div", { class: "narrow" }, field("to", "Said until", dateInput("to"))),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Search"), h("a", { class: "button secondary", href: "#/" }, "Clear"), h("span", { class: "hint" }, "Dates may be a year, a month or a day: 2013, 2013-03, 2013-03-14.")),
  );
  const results = h("section", { "aria-labelledby": "results-title", "aria-live": "polite", "aria-busy": "true", id: "results" });
  main().replaceChildren(h("h1", {}, "Search quotes"), form, results);
  focusHeading();

  outlets()
    .then((list) => {
      for (const outlet of list) outletSelect.append(h("option", { value: outlet.id, selected: params.get("outlet") === outlet.id }, outlet.name));
    })
    .catch(() => outletSelect.append(h("option", { disabled: true }, "(outlets could not be loaded)")));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    for (const name of ["from", "to"]) {
      const value = String(data.get(name) || "").trim();
      if (value && !PARTIAL_DATE.test(value)) {
        const input = form.elements[name];
        input.setCustomValidity("Give a year, a month or a day: 2013, 2013-03 or 2013-03-14.");
        input.reportValidity();
        input.addEventListener("input", () => input.setCustomValidity(""), { once: true });
        return;
      }
    }
    const values = {};
    for (const name of ["q", "speaker", "outlet", "from", "to", "verdict"]) values[name] = String(data.get(name) || "").trim();
    go("/", values);
  });

  const filter = {};
  if (params.get("speaker")) filter.speakerName = params.get("speaker");
  if (params.get("outlet")) filter.outletId = params.get("outlet");
  if (params.get("from")) filter.from = params.get("from");
  if (params.get("to")) filter.to = params.get("to");
  if (params.get("verdict")) filter.verdict = params.get("verdict");
  const variables = { search: params.get("q") || null, filter };
  if (params.get("before")) Object.assign(variables, { last: PAGE_SIZE, before: params.get("before") });
  else Object.assign(variables, { first: PAGE_SIZE, after: params.get("after") || null });

  results.append(h("p", { class: "loading" }, "Searching…"));
  let data;
  try {
    data = await api(Q.SEARCH, variables);
  } catch (error) {
    results.replaceChildren(errorBox(error, "The search could not be run."));
    results.setAttribute("aria-busy", "false");
    return;
  }
  const connection = data.quotes;
  const described = [params.get("q") && `matching “${params.get("q")}”`, params.get("speaker") && `by ${params.get("speaker")}`].filter(Boolean).join(" ");
  const count = `${connection.totalCount} quote${connection.totalCount === 1 ? "" : "s"}${described ? ` ${described}` : ""}`;
  const items = connection.edges.map(({ node }) => resultItem(node));
  const pager = h("nav", { class: "pager", "aria-label": "Result pages" });
  const base = Object.fromEntries([...params].filter(([k]) => k !== "after" && k !== "before"));
  if (connection.pageInfo.hasPreviousPage && connection.pageInfo.startCursor) {
    pager.append(h("a", { class: "button secondary", href: `#/?${new URLSearchParams({ ...base, before: connection.pageInfo.startCursor })}`, rel: "prev" }, "← Previous"));
  } else pager.append(h("span"));
  if (connection.pageInfo.hasNextPage && connection.pageInfo.endCursor) {
    pager.append(h("a", { class: "button secondary", href: `#/?${new URLSearchParams({ ...base, after: connection.pageInfo.endCursor })}`, rel: "next" }, "Next →"));
  }
  results.replaceChildren(
    h("div", { class: "results-head" }, h("h2", { id: "results-title" }, "Results"), h("p", { id: "result-count" }, count)),
    items.length ? h("ol", { class: "results" }, items) : h("p", { class: "empty" }, "No quote matches. Try fewer words, another spelling of the name, or a wider date range."),
    pager,
  );
  results.setAttribute("aria-busy", "false");
}

function printedIn(source) {
  return [source.outlet ? source.outlet.name : source.title, source.publishedOn ? partialDate(source.publishedOn.iso) : null].filter(Boolean).join(", ");
}

function resultItem(quote) {
  const first = quote.firstAppearance;
  const primary = quote.primarySource;
  const { attributed, forms } = wordsForm(quote.appearances.edges.map((e) => e.node.relation));
  const link = h("a", { href: `#/quote/${quote.id}` }, quote.snippet ? snippet(quote.snippet) : shorten(quote.text, 280));
  return h(
    "li",
    { class: "result" },
    forms.length ? h("p", { class: "forms" }, formBadges(forms), h("span", { class: "hint" }, ` ${forms.map((r) => FORM_NOTES[r]).join("; ")}`)) : null,
    h("blockquote", {}, link),
    h(
      "ul",
      { class: "meta" },
      h("li", { class: "who" }, attributed ? "attributed to " : "said by ", h("strong", {}, quote.speaker.name)),
      quote.saidOn ? h("li", {}, `${attributed ? "dated" : "said"} ${partialDate(quote.saidOn.iso)}`) : null,
      quote.interview ? h("li", {}, shorten(quote.interview.title, 90)) : null,
      primary ? h("li", { class: "recorded" }, `recorded in: ${printedIn(primary)} (primary source${primary.contentHash ? "" : ", text not held"})`) : null,
      first ? h("li", { class: "first-recorded", title: "The earliest published appearance recorded in this database: not necessarily where the words were first printed." }, `first recorded appearance: ${printedIn(first.source)}`) : null,
      h("li", {}, `${quote.appearances.totalCount} appearance${quote.appearances.totalCount === 1 ? "" : "s"}`),
      quote.factChecks.map((check) => (check.verdict ? h("li", {}, verdictBadge(check.verdict)) : null)),
    ),
  );
}

// --- the quote page --------------------------------------------------------------------------------------------

async function quotePage(id, params) {
  setTitle("Quote");
  main().replaceChildren(h("p", { class: "loading", role: "status" }, "Loading the quote…"));
  let data;
  try {
    data = await api(Q.QUOTE, { id });
  } catch (error) {
    main().replaceChildren(h("h1", {}, "Quote"), errorBox(error, "The quote could not be loaded."));
    focusHeading();
    return;
  }
  const quote = data.node;
  if (!quote || quote.__typename !== "Quote") {
    main().replaceChildren(h("h1", {}, "No such quote"), h("p", { class: "empty" }, "Nothing is stored under this ID. ", h("a", { href: "#/" }, "Search the quotes"), "."));
    focusHeading();
    return;
  }
  const appearances = quote.appearances.edges.map((e) => e.node);
  const { attributed, forms } = wordsForm(appearances.map((a) => a.relation));
  const named = forms.map((r) => RELATIONS[r]).join(" / ");
  const heading = attributed ? `${named} attributed to ${quote.speaker.name}` : `Quote by ${quote.speaker.name}${forms.length ? ` (${named.toLowerCase()})` : ""}`;
  setTitle(heading);
  const firstId = quote.firstAppearance ? quote.firstAppearance.id : null;
  let traced = params.get("appearance");
  if (!appearances.some((a) => a.id === traced)) traced = appearances.length ? appearances[0].id : null;

  const role = h("span", { id: "speaker-role" });
  const interview = quote.interview;
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, attributed ? "Attributed to" : "Speaker"),
    h("dd", {}, h("strong", {}, quote.speaker.name), role),
    quote.saidOn ? [h("dt", {}, attributed ? "Dated" : "Said"), h("dd", {}, partialDate(quote.saidOn.iso))] : null,
    interview
      ? [
          h("dt", {}, "Where"),
          h(
            "dd",
            {},
            interview.title,
            [interview.place, interview.heldOn && partialDate(interview.heldOn.iso), interview.medium && interview.medium.toLowerCase()].filter(Boolean).length
              ? h("span", { class: "hint" }, ` (${[interview.place, interview.heldOn && partialDate(interview.heldOn.iso), interview.medium && interview.medium.toLowerCase()].filter(Boolean).join(", ")})`)
              : null,
          ),
          interview.participants.length
            ? [h("dt", {}, "Taking part"), h("dd", {}, interview.participants.map((p, i) => [i ? "; " : "", `${p.speaker.name}, ${p.role.toLowerCase()}`, p.titleAsWritten ? ` (“${p.titleAsWritten}”)` : ""]))]
            : null,
        ]
      : null,
    quote.primarySource
      ? [h("dt", {}, "Primary source"), h("dd", {}, quote.primarySource.title, quote.primarySource.contentHash ? null : h("span", { class: "hint not-held" }, " (its text is not held here: nothing was checked against it)"))]
      : null,
    quote.topics.length ? [h("dt", {}, "Topics"), h("dd", {}, quote.topics.map((t) => t.name).join(", "))] : null,
    quote.note ? [h("dt", {}, "Note"), h("dd", {}, quote.note)] : null,
  );
  const checkLink = h("a", { class: "button", href: `#/check?${new URLSearchParams({ text: quote.text, speaker: quote.speaker.name, quote: quote.id, run: "1" })}` }, "Check this quote");

  const chainHolder = h("div", { id: "chain" });
  const cardList = h("ol", { class: "cards", id: "appearances" });
  const drawChain = () => {
    chainHolder.replaceChildren(chainFigure(appearances, firstId, traced));
    for (const card of cardList.children) {
      const on = card.dataset.id === traced;
      card.classList.toggle("selected", on);
      const button = card.querySelector("button.trace");
      if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    }
  };
  for (const appearance of appearances) {
    cardList.append(appearanceCard(appearance, appearance.id === firstId, () => {
      traced = appearance.id;
      history.replaceState(null, "", `#/quote/${quote.id}?appearance=${encodeURIComponent(traced)}`);
      drawChain();
      chainHolder.scrollIntoView({ block: "nearest" });
    }));
  }

  main().replaceChildren(
    h("p", { class: "crumbs" }, h("a", { href: "#/" }, "← Search")),
    h("h1", {}, heading),
    h(
      "div",
      { class: "quote-hero" },
      forms.length
        ? h("p", { class: "forms", id: "words-form" }, formBadges(forms), ` ${attributed ? `Every recorded appearance of these words is ${forms.map((r) => FORM_NOTES[r]).join(" or ")}: they are attributed to ${quote.speaker.name}, not a record of what ${quote.speaker.name} said.` : `These words are ${forms.map((r) => FORM_NOTES[r]).join("; ")}.`}`)
        : null,
      h("blockquote", { lang: quote.language || null }, `“${quote.text}”`),
      facts,
      h("div", { class: "actions" }, checkLink),
    ),
    h("h2", { id: "fact-checks" }, "Fact-checks"),
    quote.factChecks.length ? h("ul", { class: "cards" }, quote.factChecks.map(factCheckCard)) : h("p", { class: "empty" }, "No published fact-check of this quote yet."),
    h("h2", { id: "provenance" }, "Provenance"),
    h("p", { class: "hint" }, "How the quote travelled: each printing, what it was taken from, back to the source that recorded the words. Pick an appearance below to trace it."),
    chainHolder,
    h("h2", { id: "appearances-title" }, `Appearances (${quote.appearances.totalCount})`),
    appearances.length ? cardList : h("p", { class: "empty" }, "No appearance recorded."),
  );
  redrawChain = drawChain;
  drawChain();
  focusHeading();

  if (quote.saidOn) {
    try {
      const roles = (await api(Q.ROLES_ON, { id: quote.speaker.id, date: quote.saidOn.iso })).speaker.rolesOn;
      if (roles.length) role.append(`, ${roles.map((r) => [r.title, r.organization].filter(Boolean).join(", ")).join("; ")} (on ${partialDate(quote.saidOn.iso)})`);
      else role.append(h("span", { class: "hint" }, " (no role recorded for that date)"));
    } catch {
      role.append(h("span", { class: "hint" }, " (the role could not be loaded)"));
    }
  } else if (quote.speaker.description) {
    role.append(h("span", { class: "hint" }, ` — ${quote.speaker.description}`));
  }
}

function factCheckCard(check) {
  return h(
    "li",
    { class: "card" },
    h("div", { class: "card-head" }, check.verdict ? verdictBadge(check.verdict) : null, check.status !== "PUBLISHED" ? h("span", { class: "badge draft" }, check.status.toLowerCase()) : null, check.rating && check.rating.alternateName ? h("span", { class: "hint" }, `rated “${check.rating.alternateName}”`) : null),
    check.summary ? h("p", {}, check.summary) : null,
    h("ul", { class: "meta" }, check.reviewer ? h("li", {}, `by ${check.reviewer}`) : null, check.publisher ? h("li", {}, check.publisher) : null, check.reviewedOn ? h("li", {}, partialDate(check.reviewedOn.iso)) : null, check.url && WEB_LINK.test(check.url) ? h("li", {}, link(check.url, "read it")) : null),
    check.retractionReason ? h("p", { class: "hint" }, `Retracted: ${check.retractionReason}`) : null,
  );
}

function appearanceCard(appearance, isFirst, onTrace) {
  const source = appearance.source;
  const origin = appearance.chain.length > 1 ? appearance.chain[1] : null;
  const originText = origin ? (origin.__typename === "Appearance" ? `${RELATIONS[origin.relation] || origin.relation} in ${quoted(origin.source.title)}` : quoted(origin.title)) : null;
  return h(
    "li",
    { class: "card", dataset: { id: appearance.id } },
    h(
      "div",
      { class: "card-head" },
      h("span", { class: "badge plain" }, RELATIONS[appearance.relation] || appearance.relation),
      isFirst ? h("span", { class: "badge first", title: "The earliest published appearance recorded here; the words may have been printed earlier elsewhere." }, "First recorded appearance") : null,
      h("h3", {}, link(source.url, source.title)),
      h("button", { type: "button", class: "secondary trace", "aria-pressed": "false", onclick: onTrace, "aria-label": `Trace the appearance in ${source.title}` }, "Trace"),
    ),
    h("blockquote", {}, appearance.textAsPublished),
    h(
      "ul",
      { class: "meta" },
      h("li", {}, `${SOURCE_KINDS[source.kind] || source.kind}${source.outlet ? ` · ${source.outlet.name}` : ""}`),
      source.publishedOn ? h("li", {}, `published ${partialDate(source.publishedOn.iso)}`) : h("li", {}, "publication date not recorded"),
      appearance.attributionAsWritten ? h("li", {}, `attributed to ${quoted(appearance.attributionAsWritten)}`) : null,
      appearance.citedAs ? h("li", {}, `cited as ${quoted(appearance.citedAs)}`) : null,
      originText ? h("li", {}, `taken from ${originText}`) : h("li", {}, "names no origin"),
      appearance.checkVerdict ? h("li", {}, "automatic check of these words: ", verdictBadge(appearance.checkVerdict)) : null,
    ),
    appearance.checkExplanation ? h("p", { class: "hint check-explanation" }, appearance.checkExplanation) : null,
  );
}

/** The provenance of every appearance as one tree, drawn in SVG: origins at the top, what was copied from
 * them indented below; the traced appearance's path back to its origin is drawn in the accent colour. */
function chainFigure(appearances, firstId, tracedId) {
  const nodes = new Map();
  const parent = new Map();
  const children = new Map();
  const key = (item) => `${item.__typename}:${item.id}`;
  for (const appearance of appearances) {
    const chain = appearance.chain.length ? appearance.chain : [{ ...appearance, __typename: "Appearance" }];
    chain.forEach((item, i) => {
      const k = key(item);
      if (!nodes.has(k)) nodes.set(k, item);
      const next = chain[i + 1];
      if (next && !parent.has(k)) {
        parent.set(k, key(next));
        if (!children.has(key(next))) children.set(key(next), []);
        if (!children.get(key(next)).includes(k)) children.get(key(next)).push(k);
      }
    });
  }
  const roots = [...nodes.keys()].filter((k) => !parent.has(k));
  const rows = [];
  const visit = (k, depth) => {
    rows.push({ k, depth });
    for (const child of children.get(k) || []) visit(child, depth + 1);
  };
  roots.forEach((k) => visit(k, 0));

  const onPath = new Set();
  let cursor = tracedId ? `Appearance:${tracedId}` : null;
  while (cursor && !onPath.has(cursor)) {
    onPath.add(cursor);
    cursor = parent.get(cursor);
  }

  const holder = document.getElementById("chain");
  const width = Math.max(280, Math.min(1100, (holder && holder.clientWidth ? holder.clientWidth : 700) - 26));
  const indent = width < 520 ? 18 : 36;
  const gap = 14;
  const chars = (px, size) => Math.max(10, Math.floor(px / (size * 0.6)));

  // what each box says, wrapped to its width: then each row's height is known
  const laid = rows.map((row) => {
    const item = nodes.get(row.k);
    const x = 6 + row.depth * indent;
    const w = width - x - 6;
    const isSource = item.__typename === "Source";
    const classes = ["node"];
    if (onPath.has(row.k)) classes.push("on-path");
    if (isSource) classes.push("root");
    if (!isSource && item.id === firstId) classes.push("first");
    let line1;
    let line2;
    const flags = [];
    if (isSource) {
      const kind = SOURCE_KINDS[item.kind] || item.kind;
      const named = item.title.toLowerCase().startsWith(kind.toLowerCase()) ? item.title : `${kind}: ${item.title}`;
      line1 = `${item.isPrimary ? "Primary source" : "Origin named"} · ${named}`;
      const bits = [item.outlet && item.outlet.name, item.publishedOn && `published ${partialDate(item.publishedOn.iso)}`];
      if (item.interview) bits.push(`interview${item.interview.place ? ` in ${item.interview.place}` : ""}${item.interview.heldOn ? `, ${partialDate(item.interview.heldOn.iso)}` : ""}`);
      line2 = bits.filter(Boolean).join(" · ");
      if (item.contentHash) flags.push(["primary", item.isPrimary ? "✔ text held: quotes are checked against its words" : "text held"]);
      else flags.push(["not-held", "○ text not held: nothing checked against it"]);
    } else {
      line1 = `${RELATIONS[item.relation] || item.relation} in ${quoted(item.source.title)}`;
      if (NOT_AS_SAID.has(item.relation)) flags.push(["form", "≈ not the words as said"]);
      line2 = [SOURCE_KINDS[item.source.kind] || item.source.kind, item.source.outlet && item.source.outlet.name, item.source.publishedOn ? `published ${partialDate(item.source.publishedOn.iso)}` : "date not recorded"].filter(Boolean).join(" · ");
      if (item.id === firstId) flags.push(["first", "★ First recorded appearance"]);
      if (item.id === tracedId) flags.push(["traced", "▶ Traced"]);
    }
    const titleLines = wrap(line1, chars(w - 20, 14), 3);
    const detailLines = wrap(line2, chars(w - 20, 12.5), 3);
    // the flags, as many to a line as fit the box
    const flagLines = [];
    let used = Infinity;
    for (const flag of flags) {
      const size = flag[1].length * 7.4 + 14;
      if (used + size > w - 20) {
        flagLines.push([]);
        used = 0;
      }
      flagLines[flagLines.length - 1].push(flag);
      used += size;
    }
    const boxHeight = 12 + titleLines.length * 18 + detailLines.length * 16 + flagLines.length * 18 + 4;
    return { row, item, x, w, classes, titleLines, detailLines, flags, flagLines, boxHeight, text: `${line1}. ${line2}.${flags.length ? ` ${flags.map((f) => f[1]).join(". ")}.` : ""}` };
  });
  let top = 2;
  for (const box of laid) {
    box.y = top;
    top += box.boxHeight + gap;
  }
  const height = top - gap + 4;
  const rowIndex = new Map(rows.map((row, i) => [row.k, i]));

  const title = svg("title", { id: "chain-title" });
  title.textContent = "Provenance of this quote";
  const desc = svg("desc", { id: "chain-desc" });
  const described = [];
  const picture = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "chain-title chain-desc", class: "chain" }, title, desc);
  picture.append(
    svg("defs", {}, ...["", "-on"].map((suffix) => svg("marker", { id: `arrow${suffix}`, viewBox: "0 0 10 10", refX: 5, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { d: "M0 0 L10 5 L0 10 z", class: suffix ? "arrow on-path" : "arrow" })))),
  );

  // links first, so that boxes sit on top of them: from each box's left edge up to what it was taken from
  laid.forEach((box) => {
    const up = parent.get(box.row.k);
    if (!up) return;
    const origin = laid[rowIndex.get(up)];
    const x0 = origin.x + 12;
    const y0 = origin.y + origin.boxHeight;
    const y1 = box.y + Math.min(22, box.boxHeight / 2);
    const on = onPath.has(box.row.k) && onPath.has(up);
    picture.append(svg("path", { d: `M${box.x} ${y1} H${x0} V${y0 + 4}`, class: on ? "link on-path" : "link", "marker-end": `url(#arrow${on ? "-on" : ""})` }));
  });

  laid.forEach((box) => {
    const { x, y, w } = box;
    described.push({ depth: box.row.depth, text: box.text });
    const tooltip = svg("title");
    tooltip.textContent = box.text;
    const group = svg("g", { class: box.classes.join(" "), "data-key": box.row.k }, tooltip, svg("rect", { x, y, width: w, height: box.boxHeight, rx: 7, class: "box" }));
    let line = y + 6;
    for (const words of box.titleLines) {
      line += 18;
      const text = svg("text", { x: x + 10, y: line - 3, class: "t1" });
      text.textContent = words;
      group.append(text);
    }
    for (const words of box.detailLines) {
      line += 16;
      const text = svg("text", { x: x + 10, y: line - 2, class: "t2" });
      text.textContent = words;
      group.append(text);
    }
    for (const flagLine of box.flagLines) {
      let fx = x + 10;
      line += 18;
      for (const [kind, label] of flagLine) {
        const flag = svg("text", { x: fx, y: line - 2, class: `t3 ${kind}` });
        flag.textContent = label;
        group.append(flag);
        fx += label.length * 7.4 + 14;
      }
    }
    picture.append(group);
  });
  desc.textContent = described.map((d) => `${d.depth ? `${"  ".repeat(d.depth)}taken from the one above: ` : ""}${d.text}`).join(" ");

  return h(
    "figure",
    { class: "chain-figure" },
    picture,
    h(
      "figcaption",
      {},
      h("ul", { class: "legend" }, h("li", {}, "↑ arrows point to what each was taken from"), h("li", {}, "★ first recorded appearance: the earliest published one recorded here (the primary source may be older)"), h("li", {}, "green box: the primary source (✔ its text is held, ○ it is not)"), h("li", {}, "blue: the traced appearance’s path")),
    ),
  );
}

// --- the check page --------------------------------------------------------------------------------------------

async function checkPage(params) {
  setTitle("Check a quote");
  const [speaker, speakerList] = speakerInput("speaker", params.get("speaker"));
  speaker.required = true;
  const text = h("textarea", { name: "text", required: true, rows: 6, placeholder: "Paste the quote exactly as it was published, cuts (…) and [brackets] included." }, params.get("text") || "");
  const saidOn = h("input", { name: "saidOn", type: "text", inputmode: "numeric", placeholder: "YYYY-MM-DD", value: params.get("saidOn") || "", pattern: "\\d{4}(-\\d{2}(-\\d{2})?)?" });
  const form = h(
    "form",
    { class: "panel check-form", "aria-label": "Check a quote" },
    h("div", { class: "quote-field" }, field("check-text", "Quote as published", text)),
    h("div", {}, field("check-speaker", "Attributed to", speaker, "A name or any spelling of it."), speakerList),
    h("div", {}, field("check-said", "Said on (optional)", saidOn, "2013, 2013-03 or 2013-03-14.")),
    h("div", {}),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Check"), h("span", { class: "hint" }, "Typography (quote marks, dashes, case) never counts as a difference.")),
  );
  const result = h("section", { id: "check-result", "aria-live": "polite", "aria-labelledby": "verdict-title" });
  main().replaceChildren(h("h1", {}, "Check a quote"), form, result);
  focusHeading();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = saidOn.value.trim();
    if (value && !PARTIAL_DATE.test(value)) {
      saidOn.setCustomValidity("Give a year, a month or a day: 2013, 2013-03 or 2013-03-14.");
      saidOn.reportValidity();
      saidOn.addEventListener("input", () => saidOn.setCustomValidity(""), { once: true });
      return;
    }
    // the quote we came from stays linked only while its words are what is checked
    const quote = text.value === params.get("text") ? params.get("quote") || "" : "";
    go("/check", { text: text.value, speaker: speaker.value.trim(), saidOn: value, quote, run: "1" });
  });
  if (params.get("run") && params.get("text") && params.get("speaker")) {
    runCheck({ text: params.get("text"), speaker: params.get("speaker"), saidOn: params.get("saidOn") || "", quote: params.get("quote") || "" }, result, form);
  }
}

async function runCheck(wanted, result, form) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  result.setAttribute("aria-busy", "true");
  result.replaceChildren(h("p", { class: "loading" }, "Checking against the stored sources…"));
  const input = { text: wanted.text, speakerName: wanted.speaker };
  if (wanted.saidOn) input.saidOn = wanted.saidOn;
  try {
    const data = await api(Q.CHECK, { input });
    showCheck(data.checkQuote, wanted, result);
  } catch (error) {
    result.replaceChildren(errorBox(error, "The quote could not be checked."));
  } finally {
    button.disabled = false;
    result.setAttribute("aria-busy", "false");
  }
}

function showCheck(check, wanted, result) {
  const [, description] = VERDICTS[check.verdict] || [check.verdict, ""];
  const risky = check.matches.some((m) => m.differences.some((d) => d.kind === "CONTEXT_RISK"));
  const banner = h(
    "div",
    { class: `verdict-banner verdict-${check.verdict}`, id: "verdict", "data-verdict": check.verdict },
    h(
      "div",
      { class: "headline" },
      h("h2", { id: "verdict-title", class: "visually-hidden" }, "Verdict"),
      verdictBadge(check.verdict, "big"),
      risky ? h("span", { class: "badge risk-badge", title: "An elision drops a negation or crosses into another speaker's turn" }, "⚠ Context risk") : null,
      h("span", {}, description),
      h("span", { class: "hint score" }, `confidence ${pct(check.confidence)}`),
    ),
    h("p", {}, check.explanation),
    h("p", { class: "hint" }, check.speaker ? `Attributed to ${check.speaker.name} (as recorded). ` : `“${wanted.speaker}” is not a recorded speaker. `, "The automatic check is evidence for a fact-checker, not a verdict by itself."),
  );
  const primary = check.matches.filter((m) => m.primary);
  const secondary = check.matches.filter((m) => !m.primary);
  const sections = [];
  if (primary.length) sections.push(h("h2", {}, "Primary evidence"), h("p", { class: "hint" }, "Transcripts: the words as they were said."), h("ol", { class: "cards" }, primary.map((m) => matchCard(m, check, wanted.text))));
  if (secondary.length) sections.push(h("h2", {}, "Secondary evidence"), h("p", { class: "hint" }, "Sources that report the words; they show where the quote travelled, not what was said."), h("ol", { class: "cards" }, secondary.map((m) => matchCard(m, check, wanted.text))));
  if (!check.matches.length) sections.push(h("p", { class: "empty" }, "No stored passage bears on this quote."));
  result.replaceChildren(...[banner, check.matches.some((m) => m.differences.length) ? legend() : null, ...sections, publishPanel(check, wanted)].filter(Boolean));
  const heading = result.querySelector(".verdict-banner");
  if (heading) heading.scrollIntoView({ block: "nearest" });
}

function legend() {
  return h(
    "ul",
    { class: "legend", "aria-label": "How differences are marked" },
    h("li", {}, h("del", { class: "d elision" }, "cut"), " marked cut (elision)"),
    h("li", {}, h("del", { class: "d omission" }, "dropped"), " silently dropped"),
    h("li", {}, h("del", { class: "d" }, "said"), h("ins", { class: "d" }, "quoted"), " substituted"),
    h("li", {}, h("ins", { class: "d" }, "added"), " inserted"),
    h("li", {}, h("ins", { class: "d editorial" }, "[bracket]"), " editor’s bracket"),
    h("li", {}, h("mark", { class: "d marker risk" }, "…"), " context risk"),
  );
}

function matchCard(match, check, claimText) {
  const source = match.source;
  const otherSpeaker = match.speaker && check.speaker && match.speaker.id !== check.speaker.id;
  const who = match.turn ? `${match.turn.speaker.name}${match.turn.label ? ` (${match.turn.label})` : ""}` : match.speaker ? match.speaker.name : null;
  return h(
    "li",
    { class: "card match" },
    h(
      "div",
      { class: "card-head" },
      h("span", { class: match.primary ? "badge primary" : "badge secondary" }, match.primary ? "Primary" : "Secondary"),
      h("h3", {}, link(source.url, source.title)),
      h("span", { class: "hint score" }, `similarity ${pct(match.score)}`),
    ),
    h(
      "ul",
      { class: "meta" },
      h("li", {}, `${SOURCE_KINDS[source.kind] || source.kind}${source.outlet ? ` · ${source.outlet.name}` : ""}`),
      source.publishedOn ? h("li", {}, partialDate(source.publishedOn.iso)) : null,
      who ? h("li", {}, otherSpeaker ? h("strong", {}, `said by ${who}, not ${check.speaker.name}`) : `said by ${who}`) : null,
      h("li", {}, `characters ${match.start}–${match.end}`),
    ),
    h(
      "div",
      { class: "diff-panels" },
      h("div", { class: "pane" }, h("span", { class: "label" }, "As quoted"), h("p", { class: "claimed" }, markClaim(claimText, match.differences))),
      h("div", { class: "pane" }, h("span", { class: "label" }, match.primary ? "As said" : "As printed there"), h("p", { class: "passage" }, markPassage(match.passage, match.differences))),
    ),
    match.differences.length
      ? h(
          "ul",
          { class: "diffs", "aria-label": "Differences" },
          match.differences.map((d) =>
            h("li", {}, h("span", { class: `kind kind-${d.kind}` }, KINDS[d.kind] || d.kind), describeDifference(d), d.note ? h("span", { class: "hint" }, `(${d.note})`) : null),
          ),
        )
      : h("p", { class: "hint" }, match.primary || check.verdict !== "PARAPHRASED" ? "No difference in the words." : "Only the sense matches."),
  );
}

function describeDifference(d) {
  switch (d.kind) {
    case "SUBSTITUTION":
      return h("span", {}, `“${d.claimed}” for “${d.original}”`);
    case "INSERTION":
      return h("span", {}, `“${d.claimed}” added`);
    case "OMISSION":
      return h("span", {}, `“${d.original}” dropped without a marker`);
    case "ELISION":
      return h("span", {}, `“${shorten(d.original, 120)}” cut, marked ${d.claimed}`);
    case "EDITORIAL":
      return h("span", {}, d.original ? `${d.claimed} stands for “${d.original}”` : `${d.claimed} added by the editor`);
    default:
      return h("span", {}, d.original ? `at “${shorten(d.original, 100)}”` : d.claimed);
  }
}

/** Where `needle` is in `text` at or after `from`, on word boundaries where it starts/ends with a letter. */
function locate(text, needle, from = 0, taken = []) {
  if (!needle) return null;
  const lowerText = text.toLowerCase();
  const lowerNeedle = needle.toLowerCase();
  let at = lowerText.indexOf(lowerNeedle, from);
  while (at >= 0) {
    const end = at + needle.length;
    const before = at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1]) || !/[\p{L}\p{N}]/u.test(needle[0]);
    const after = end >= text.length || !/[\p{L}\p{N}]/u.test(text[end]) || !/[\p{L}\p{N}]/u.test(needle[needle.length - 1]);
    const free = !taken.some((r) => at < r.end && end > r.start);
    if (before && after && free) return { start: at, end };
    at = lowerText.indexOf(lowerNeedle, at + 1);
  }
  return null;
}

/** A shortened cut ("first words … last words") found whole in the text. */
function locateCut(text, original, taken) {
  const whole = locate(text, original, 0, taken);
  if (whole || !original.includes(" … ")) return whole;
  const [head, tail] = original.split(" … ");
  const a = locate(text, head.trim(), 0, taken);
  if (!a) return null;
  const b = locate(text, tail.trim(), a.end, taken);
  return b ? { start: a.start, end: b.end } : null;
}

/** Text with ranges wrapped: each range {start, end, tag, cls, label, extra: [nodes after]}. */
function render(text, ranges) {
  const out = [];
  let at = 0;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    if (r.start < at) continue;
    out.push(text.slice(at, r.start));
    out.push(h(r.tag, { class: `d ${r.cls}`, title: r.label }, h("span", { class: "visually-hidden" }, `[${r.label}: `), text.slice(r.start, r.end), h("span", { class: "visually-hidden" }, "]")));
    if (r.extra) out.push(...r.extra);
    at = r.end;
  }
  out.push(text.slice(at));
  return out;
}

function markPassage(passage, differences) {
  const ranges = [];
  const risky = differences.filter((d) => d.kind === "CONTEXT_RISK");
  for (const d of differences) {
    if (!d.original || d.kind === "CONTEXT_RISK") continue;
    const spot = d.kind === "ELISION" ? locateCut(passage, d.original, ranges) : locate(passage, d.original, 0, ranges);
    if (!spot) continue;
    const risk = risky.some((r) => r.original === d.original);
    const range = { ...spot, tag: "del", cls: "", label: "" };
    if (d.kind === "ELISION") Object.assign(range, { cls: "elision", label: `cut, marked ${d.claimed}` });
    else if (d.kind === "OMISSION") Object.assign(range, { cls: "omission", label: "dropped without a marker" });
    else if (d.kind === "SUBSTITUTION") Object.assign(range, { cls: "substitution", label: `replaced by “${d.claimed}”`, extra: [h("ins", { class: "d substitution", title: "as quoted" }, h("span", { class: "visually-hidden" }, "[quoted as: "), d.claimed, h("span", { class: "visually-hidden" }, "]"))] });
    else if (d.kind === "EDITORIAL") Object.assign(range, { cls: "editorial", label: `replaced by the editor’s ${d.claimed}`, extra: [h("ins", { class: "d editorial" }, d.claimed)] });
    if (risk) {
      range.cls += " risk";
      range.label += `; context risk: ${risky.filter((r) => r.original === d.original).map((r) => r.note).join("; ")}`;
    }
    ranges.push(range);
  }
  for (const r of risky) {
    if (ranges.some((x) => passage.slice(x.start, x.end) === r.original)) continue;
    const spot = locate(passage, r.original, 0, ranges);
    if (spot) ranges.push({ ...spot, tag: "mark", cls: "marker risk", label: `context risk: ${r.note}` });
  }
  return render(passage, ranges);
}

const MARKER = /\[\s*(?:\.\s*){3,}\]|\[\s*…\s*\]|(?:\.\s?){3,}|…/g;

function markClaim(claim, differences) {
  const ranges = [];
  const cuts = differences.filter((d) => d.kind === "ELISION");
  const risks = differences.filter((d) => d.kind === "CONTEXT_RISK" && d.claimed);
  // the cuts' markers, in order; a marker with no cut behind it stood for a pause
  let cutIndex = 0;
  for (const found of claim.matchAll(MARKER)) {
    const cut = cuts[cutIndex];
    if (!cut) break;
    cutIndex += 1;
    const notes = risks.filter((r) => r.original === cut.original).map((r) => r.note);
    ranges.push({ start: found.index, end: found.index + found[0].length, tag: "mark", cls: `marker${notes.length ? " risk" : ""}`, label: `cut of ${cut.note}${notes.length ? `; context risk: ${notes.join("; ")}` : ""}` });
  }
  for (const d of differences) {
    if (!d.claimed || !["SUBSTITUTION", "INSERTION", "EDITORIAL"].includes(d.kind)) continue;
    const spot = locate(claim, d.claimed, 0, ranges);
    if (!spot) continue;
    const label = d.kind === "SUBSTITUTION" ? `said “${d.original}”` : d.kind === "INSERTION" ? "not said" : d.original ? `the editor’s, for “${d.original}”` : "the editor’s";
    ranges.push({ ...spot, tag: "ins", cls: d.kind === "EDITORIAL" ? "editorial" : d.kind.toLowerCase(), label });
  }
  return render(claim, ranges);
}

// --- publishing a fact-check -----------------------------------------------------------------------------------

function publishPanel(check, wanted) {
  const section = h("section", { class: "publish panel", "aria-labelledby": "publish-title" }, h("h2", { id: "publish-title" }, "Publish a fact-check"));
  if (!token()) {
    section.append(h("p", {}, "Editors: open “Editor sign-in” at the top and enter your token to publish a fact-check from this result."));
    return section;
  }
  const verdict = h("select", { name: "verdict" }, Object.entries(VERDICTS).map(([value, [label]]) => h("option", { value, selected: value === check.verdict }, label)));
  const summary = h("textarea", { name: "summary", rows: 4 }, check.explanation);
  const reviewer = h("input", { name: "reviewer", type: "text", value: sessionStorage.getItem("quotecheck.reviewer") || "", autocomplete: "name" });
  const evidence = h("fieldset", {}, h("legend", {}, "Evidence"));
  check.matches.forEach((match, i) => {
    const id = `evidence-${i}`;
    evidence.append(h("div", { class: "check-row" }, h("input", { type: "checkbox", id, name: "evidence", value: String(i), checked: i === 0 }), h("label", { for: id }, `${match.primary ? "Primary" : "Secondary"}: ${match.source.title} (characters ${match.start}–${match.end})`)));
  });
  if (!check.matches.length) evidence.append(h("p", { class: "hint" }, "No passage to cite: the fact-check will rest on its summary."));
  const quoteNote = h("p", { class: "hint", id: "publish-quote" });
  const status = h("div", { role: "status", "aria-live": "polite", class: "status", id: "publish-status" });
  const button = h("button", { type: "submit" }, "Publish fact-check");
  const form = h(
    "form",
    { "aria-label": "Publish a fact-check" },
    h("p", { class: "hint" }, `Claim reviewed: “${shorten(wanted.text, 200)}”, attributed to ${check.speaker ? check.speaker.name : wanted.speaker}.`),
    quoteNote,
    h("div", { class: "two-col" }, field("publish-verdict", "Verdict", verdict), field("publish-reviewer", "Reviewer", reviewer, "Your name, as it should appear.")),
    field("publish-summary", "Summary", summary),
    evidence,
    h("div", { class: "actions" }, button),
    status,
  );
  section.append(form);

  let quoteId = wanted.quote || null;
  if (quoteId) quoteNote.append("About the recorded quote you came from (", h("a", { href: `#/quote/${quoteId}` }, "open it"), ").");
  else if (check.speaker) {
    api(Q.RECORDED_QUOTE, { filter: { speakerId: check.speaker.id, textContains: wanted.text.trim().slice(0, 200) } })
      .then((data) => {
        const same = data.quotes.edges.map((e) => e.node).find((q) => q.text.trim() === wanted.text.trim());
        if (same) {
          quoteId = same.id;
          quoteNote.append("These words are a recorded quote; the fact-check will be linked to it (", h("a", { href: `#/quote/${same.id}` }, "open it"), ").");
        } else quoteNote.append("Not a recorded quote: the fact-check will stand on its claim alone.");
      })
      .catch(() => {});
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.className = "status";
    status.replaceChildren("Publishing…");
    sessionStorage.setItem("quotecheck.reviewer", reviewer.value.trim());
    const chosen = [...form.querySelectorAll("input[name=evidence]:checked")].map((box) => check.matches[Number(box.value)]);
    const input = {
      quoteId,
      claimReviewed: wanted.text,
      verdict: verdict.value,
      summary: summary.value.trim() || null,
      reviewer: reviewer.value.trim() || null,
      reviewedOn: new Date().toISOString().slice(0, 10),
      rating: { alternateName: VERDICTS[verdict.value][0] },
      evidence: chosen.map((m) => ({ sourceId: m.source.id, passage: m.passage, start: m.start, end: m.end })),
    };
    try {
      const created = (await api(Q.CREATE_FACT_CHECK, { input }, { auth: true })).createFactCheck;
      if (created.userErrors.length) throw new ApiError(created.userErrors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)));
      const published = (await api(Q.PUBLISH_FACT_CHECK, { input: { id: created.factCheck.id, version: created.factCheck.version } }, { auth: true })).publishFactCheck;
      if (published.userErrors.length) throw new ApiError(published.userErrors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)));
      const done = published.factCheck;
      status.className = "status ok";
      status.replaceChildren();
      append(status, ["Published: the fact-check is public, verdict ", verdictBadge(done.verdict), done.quote ? [" — ", h("a", { href: `#/quote/${done.quote.id}` }, "see it on the quote’s page")] : null]);
      button.textContent = "Published";
    } catch (error) {
      status.replaceChildren(errorBox(error, "The fact-check was not published."));
      button.disabled = false;
    }
  });
  return section;
}

// --- the editor's token ----------------------------------------------------------------------------------------

function showTokenState() {
  const signedIn = Boolean(token());
  document.getElementById("token-state").textContent = signedIn ? "Editor: token set" : "Editor sign-in";
  document.getElementById("token-box").classList.toggle("signed-in", signedIn);
}

function setUpToken() {
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const status = document.getElementById("token-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) {
      status.textContent = "Paste the token that `quotecheck token create` printed.";
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    status.textContent = "Checking the token…";
    try {
      await api(Q.WHO_AM_I, {}, { auth: true });
      status.textContent = "Token accepted. It is sent with fact-checks you publish.";
      input.value = "";
      showTokenState();
      // signed in: the box closes, so it no longer covers the page; its button says the token is set
      const box = document.getElementById("token-box");
      box.open = false;
      box.querySelector("summary").focus();
      route();
    } catch (error) {
      sessionStorage.removeItem(TOKEN_KEY);
      status.textContent = error instanceof ApiError ? error.messages.join(" ") : String(error);
      showTokenState();
    }
  });
  document.getElementById("token-forget").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    status.textContent = "Token forgotten.";
    showTokenState();
    route();
  });
  showTokenState();
}

// --- routing ---------------------------------------------------------------------------------------------------

function route() {
  if (location.hash && !location.hash.startsWith("#/")) return;
  const { path, params } = hashParams();
  const quote = path.match(/^\/quote\/([^/]+)$/);
  for (const link of document.querySelectorAll("[data-nav]")) {
    const on = (link.dataset.nav === "check" && path === "/check") || (link.dataset.nav === "search" && path === "/");
    if (on) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (quote) return quotePage(decodeURIComponent(quote[1]), params);
  if (path === "/check") return checkPage(params);
  if (path === "/") return searchPage(params);
  setTitle("Not found");
  main().replaceChildren(h("h1", {}, "No such page"), h("p", {}, h("a", { href: "#/" }, "Search the quotes"), " or ", h("a", { href: "#/check" }, "check a quote"), "."));
  focusHeading();
  return undefined;
}

document.getElementById("skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  main().focus();
});
window.addEventListener("hashchange", route);
let resizeTimer = 0;
let lastWidth = window.innerWidth;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (window.innerWidth === lastWidth) return; // a phone's toolbar moving, not a new width
    lastWidth = window.innerWidth;
    if (redrawChain && document.getElementById("chain")) redrawChain();
  }, 200);
});
setUpToken();
route();

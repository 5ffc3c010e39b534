// Starts GraphiQL (vendored, see vendor/graphiql-*/README.md) against this server's /graphql endpoint.
(function () {
  "use strict";
  var element = document.getElementById("graphiql");
  var fetcher = GraphiQL.createFetcher({ url: element.dataset.endpoint });
  var initialQuery = [
    "# quotecheck's GraphQL API: Ctrl-Enter runs the query.",
    "# Editors: Headers below, {\"Authorization\": \"Bearer qc_...\"}",
    "{",
    "  quotes(first: 5, search: \"NATO\") {",
    "    totalCount",
    "    edges { node { id text speaker { name } saidOn { iso } } }",
    "  }",
    "}",
    "",
  ].join("\n");
  var root = ReactDOM.createRoot(element);
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: false,
      defaultQuery: initialQuery,
      shouldPersistHeaders: false,
    }),
  );
})();

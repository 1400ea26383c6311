// GraphiQL for mentorgraph. Everything it loads comes from this server (no CDN), so it works
// offline and under the page's Content-Security-Policy (script-src 'self').
//
// Queries and mutations go over HTTP POST to the endpoint this page is served from, with the
// Headers pane's headers. Subscriptions go over graphql-ws (graphql-transport-ws) to the same URL
// as ws(s)://, the Headers pane sent as `connectionParams`. A "Sign in" panel runs `logIn` and
// puts `{"Authorization": "Bearer <token>"}` into the Headers pane.
(function () {
  "use strict";

  var h = React.createElement;
  var GraphQL = GraphiQL.GraphQL;
  var endpoint = new URL(window.location.pathname, window.location.href).toString();
  var socketUrl = endpoint.replace(/^http/, "ws");

  // React's scroll lock (inside GraphiQL's dialogs) adds a <style> element; the page's policy
  // accepts it with this response's nonce.
  var nonce = document.querySelector('meta[name="style-nonce"]');
  if (nonce) {
    window.__webpack_nonce__ = nonce.content;
  }

  var DEFAULT_QUERY = [
    "# mentorgraph GraphiQL, served by this server alone:",
    "# it works offline.",
    "#",
    "# 1. Sign in with the key button on the left: it runs",
    "#    logIn and puts your token into the Headers pane.",
    "# 2. Run a query: Ctrl-Enter or the run button.",
    "# 3. Subscriptions use a WebSocket to this same URL,",
    "#    with the same headers, e.g.",
    "#",
    "#    subscription Events {",
    "#      mentorshipRequestEvents {",
    "#        fromStatus toStatus request { id status }",
    "#      }",
    "#    }",
    "",
    "query Viewer {",
    "  viewer {",
    "    id",
    "    name",
    "    email",
    "  }",
    "}",
    "",
  ].join("\n");

  var LOG_IN = [
    "mutation LogIn($input: LogInInput!) {",
    "  logIn(input: $input) { token viewer { name email } userErrors { code message } }",
    "}",
  ].join("\n");

  // ---- fetching -------------------------------------------------------------------------------

  var http = GraphiQL.createFetcher({ url: endpoint });

  function isSubscription(params, options) {
    var document = options && options.documentAST;
    if (!document) {
      try {
        document = GraphQL.parse(params.query);
      } catch (error) {
        return false; // let the server say what is wrong with it
      }
    }
    var operation = GraphQL.getOperationAST(document, params.operationName || undefined);
    return Boolean(operation && operation.operation === "subscription");
  }

  // The Headers pane as connectionParams: the server reads the token like an HTTP header
  // (`Authorization` in any case, `mentorgraph/connection_params.py`).
  function connectionParams(headers) {
    return Object.assign({}, headers);
  }

  // One socket per set of headers: signing in as someone else opens a new, authenticated one.
  var sockets = new Map();
  function socketFor(headers) {
    var key = JSON.stringify(headers);
    if (!sockets.has(key)) {
      sockets.set(
        key,
        graphqlWs.createClient({
          url: socketUrl,
          connectionParams: connectionParams(headers),
          lazy: true,
          // A 44xx close is the server refusing (e.g. a bad token): retrying cannot help.
          shouldRetry: function (event) {
            return !(event && event.code >= 4400 && event.code < 4500);
          },
          retryAttempts: 3,
        }),
      );
    }
    return sockets.get(key);
  }

  function describe(error) {
    if (error && typeof error.code === "number" && "reason" in error) {
      return "The socket closed (" + error.code + "): " + (error.reason || "no reason given");
    }
    if (Array.isArray(error)) {
      return error.map(describe).join("; ");
    }
    return (error && error.message) || String(error);
  }

  async function* subscribe(params, headers) {
    var events = socketFor(headers).iterate({
      query: params.query,
      variables: params.variables || undefined,
      operationName: params.operationName || undefined,
    });
    try {
      for await (var event of events) {
        yield event;
      }
    } catch (error) {
      // graphql-ws throws close events and error lists; show them as GraphQL errors.
      yield { errors: [{ message: describe(error) }] };
    }
  }

  function fetcher(params, options) {
    if (isSubscription(params, options)) {
      return subscribe(params, (options && options.headers) || {});
    }
    return http(params, options);
  }

  // ---- the sign-in panel ----------------------------------------------------------------------

  function withToken(headersText, token) {
    var headers = {};
    try {
      var parsed = JSON.parse(headersText || "{}");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        headers = parsed;
      }
    } catch (error) {
      // Not JSON: replaced by the new headers.
    }
    Object.keys(headers).forEach(function (key) {
      if (key.toLowerCase() === "authorization") {
        delete headers[key];
      }
    });
    headers.Authorization = "Bearer " + token;
    return JSON.stringify(headers, null, 2);
  }

  async function logIn(email, password) {
    var response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        query: LOG_IN,
        operationName: "LogIn",
        variables: { input: { email: email, password: password } },
      }),
    });
    var body = await response.json();
    var payload = body.data && body.data.logIn;
    if (payload && payload.token) {
      return { token: payload.token, viewer: payload.viewer };
    }
    var problems = (payload && payload.userErrors) || body.errors || [];
    throw new Error(problems.map(describe).join("; ") || "Signing in failed.");
  }

  function SignIn() {
    var state = GraphiQL.React.useHeadersEditorState();
    var headers = state[0];
    var setHeaders = state[1];
    var email = React.useState("");
    var password = React.useState("");
    var status = React.useState({ kind: "idle", text: "" });

    async function submit(event) {
      event.preventDefault();
      status[1]({ kind: "busy", text: "Signing in…" });
      try {
        var result = await logIn(email[0], password[0]);
        setHeaders(withToken(headers, result.token));
        password[1]("");
        status[1]({
          kind: "done",
          text: "Signed in as " + result.viewer.name + ". The token is in the Headers pane.",
        });
      } catch (error) {
        status[1]({ kind: "error", text: describe(error) });
      }
    }

    function field(label, type, value, autocomplete) {
      return h(
        "label",
        null,
        label,
        h("input", {
          type: type,
          name: type === "password" ? "password" : "email",
          value: value[0],
          required: true,
          autoComplete: autocomplete,
          onChange: function (event) {
            value[1](event.target.value);
          },
        }),
      );
    }

    return h(
      "form",
      { className: "mentorgraph-sign-in", onSubmit: submit },
      h("div", { className: "graphiql-doc-explorer-title" }, "Sign in"),
      h(
        "p",
        null,
        "Runs the logIn mutation and puts the token into the Headers pane, for queries and " +
          "subscriptions alike.",
      ),
      field("Email", "email", email, "username"),
      field("Password", "password", password, "current-password"),
      h("button", { type: "submit", disabled: status[0].kind === "busy" }, "Sign in"),
      h("p", { className: "mentorgraph-sign-in-status " + status[0].kind, role: "status" }, status[0].text),
    );
  }

  function KeyIcon() {
    return h(
      "svg",
      { viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", strokeWidth: 1.5, "aria-hidden": true },
      h("circle", { cx: 8, cy: 15, r: 4 }),
      h("path", { d: "M11 12l9-9M16 7l3 3M14 9l2 2" }),
    );
  }

  // Sign in first; then the explorer, which builds a query by ticking fields.
  var plugins = [
    { title: "Sign in", icon: KeyIcon, content: SignIn },
    GraphiQLPluginExplorer.explorerPlugin(),
  ];

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    h(GraphiQL, {
      fetcher: fetcher,
      plugins: plugins,
      defaultQuery: DEFAULT_QUERY,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    }),
  );
})();

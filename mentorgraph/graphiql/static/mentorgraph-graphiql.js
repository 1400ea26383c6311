// GraphiQL for mentorgraph. Everything it loads comes from this server (no CDN), so it works
// offline and under the page's Content-Security-Policy (script-src 'self').
//
// Queries and mutations go over HTTP POST to the endpoint this page is served from, with the
// Headers pane's headers. Subscriptions go over graphql-ws (graphql-transport-ws) to the same URL
// as ws(s)://, the Headers pane sent as `connectionParams`. A "Sign in" panel runs `logIn` and
// puts `{"Authorization": "Bearer <token>"}` into the Headers pane; it keeps the session alive
// with `refreshSession` (docs/sessions.md) at 80% of each access token's life, and once on a 401,
// writing each new access token into the pane. The refresh token stays in this script's memory:
// never in the pane, never in localStorage (GraphiQL persists the pane there), so it is gone with
// the tab.
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
    "  logIn(input: $input) {",
    "    token refreshToken viewer { name email } userErrors { code message }",
    "  }",
    "}",
  ].join("\n");

  var REFRESH = [
    "mutation RefreshSession($input: RefreshSessionInput!) {",
    "  refreshSession(input: $input) { token refreshToken userErrors { code message } }",
    "}",
  ].join("\n");

  var LOG_OUT = "mutation LogOut { logOut { ended userErrors { code message } } }";

  // Renew at this share of an access token's life: early enough that a slow answer still lands
  // before it expires, late enough not to spend refresh tokens needlessly.
  var REFRESH_AT = 0.8;
  // Never sooner than this (a token already past its 80%, a retry after a network error).
  var MIN_REFRESH_DELAY_MS = 1000;

  // ---- fetching -------------------------------------------------------------------------------

  // GraphiQL's fetcher over our `fetch`, which renews an expired session once (fetchRenewing).
  var http = GraphiQL.createFetcher({
    url: endpoint,
    fetch: function (input, init) {
      return fetchRenewing(input, init);
    },
  });

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

  function parseHeaders(headersText) {
    try {
      var parsed = JSON.parse(headersText || "{}");
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        return parsed;
      }
    } catch (error) {
      // Not JSON: replaced by the new headers.
    }
    return {};
  }

  // The Headers pane's text with `token` as its Authorization (none when `token` is null); every
  // other header is kept.
  function withToken(headersText, token) {
    var headers = parseHeaders(headersText);
    Object.keys(headers).forEach(function (key) {
      if (key.toLowerCase() === "authorization") {
        delete headers[key];
      }
    });
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    return JSON.stringify(headers, null, 2);
  }

  function bearerOf(headers) {
    var value = new Headers(headers || {}).get("authorization") || "";
    return value.toLowerCase().startsWith("bearer ") ? value.slice(7).trim() : null;
  }

  // ---- the session ----------------------------------------------------------------------------

  // One session at a time, kept here rather than in the panel's React state: the panel unmounts
  // whenever another plugin is shown, and the session must go on being renewed meanwhile.
  var session = {
    refreshToken: null, // in memory only: gone with the tab
    accessToken: null,
    // Every access token this session was given: a 401 to one of them is ours to renew.
    accessTokens: new Set(),
    timer: null,
    // The refresh in flight. Only one at a time: a second one with the same refresh token
    // would be reuse, which ends the session (docs/sessions.md, "Rotation and reuse").
    refreshing: null,
    view: { kind: "idle", text: "", signedIn: false, renewed: "" },
  };
  var listeners = new Set();
  // Set by SessionKeeper (always mounted): puts a token, or none, into the Headers pane.
  var writeToken = null;

  function show(kind, text, renewed) {
    session.view = {
      kind: kind,
      text: text,
      signedIn: Boolean(session.refreshToken),
      renewed: renewed || "",
    };
    listeners.forEach(function (listener) {
      listener(session.view);
    });
  }

  // The JWT's claims (its middle part), read without checking the signature: only to know when
  // it expires. The server checks it.
  function claimsOf(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part + "===".slice((part.length + 3) % 4)));
    } catch (error) {
      return {};
    }
  }

  // When to renew `token`, from now: at REFRESH_AT of its life. The life is `exp - iat`, both
  // the server's clock, so a browser clock that differs from the server's does not matter.
  function renewalDelay(token) {
    var claims = claimsOf(token);
    if (typeof claims.exp !== "number") {
      return null; // a token that does not expire (none of ours): nothing to renew
    }
    var life =
      typeof claims.iat === "number" ? claims.exp - claims.iat : claims.exp - Date.now() / 1000;
    return Math.max(MIN_REFRESH_DELAY_MS, life * REFRESH_AT * 1000);
  }

  function adopt(token, refreshToken) {
    clearTimeout(session.timer);
    session.refreshToken = refreshToken;
    session.accessToken = token;
    session.accessTokens.add(token);
    if (writeToken) {
      writeToken(token);
    }
    var delay = renewalDelay(token);
    session.timer = delay === null ? null : setTimeout(refresh, delay);
    return delay;
  }

  function forget() {
    clearTimeout(session.timer);
    session.timer = null;
    session.refreshToken = null;
    session.accessToken = null;
    session.accessTokens = new Set();
  }

  // A mutation of the panel's own, straight to the server (not through the Headers pane).
  async function post(query, operationName, variables, token) {
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (token) {
      headers.Authorization = "Bearer " + token;
    }
    var response = await fetch(endpoint, {
      method: "POST",
      headers: headers,
      body: JSON.stringify({ query: query, operationName: operationName, variables: variables }),
    });
    return response.json();
  }

  function problemsOf(payload, body) {
    var problems = payload && payload.userErrors && payload.userErrors.length;
    return ((problems ? payload.userErrors : body.errors) || []).map(describe).join("; ");
  }

  function clockTime(date) {
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // Renews the session; resolves to the new access token, or null when there is none (signed
  // out, or refused: the panel then says to sign in again).
  function refresh() {
    if (!session.refreshing) {
      session.refreshing = renew().finally(function () {
        session.refreshing = null;
      });
    }
    return session.refreshing;
  }

  async function renew() {
    var refreshToken = session.refreshToken;
    if (!refreshToken) {
      return null;
    }
    clearTimeout(session.timer);
    var body;
    try {
      body = await post(REFRESH, "RefreshSession", { input: { refreshToken: refreshToken } });
    } catch (error) {
      // The server did not answer: the token is likely unspent, so try again a little later.
      if (session.refreshToken === refreshToken) {
        session.timer = setTimeout(refresh, 5 * MIN_REFRESH_DELAY_MS);
        show("error", "Could not reach the server to renew the session: " + describe(error));
      }
      return null;
    }
    if (session.refreshToken !== refreshToken) {
      return null; // signed out, or in again, meanwhile
    }
    var payload = body.data && body.data.refreshSession;
    if (payload && payload.token && payload.refreshToken) {
      var delay = adopt(payload.token, payload.refreshToken);
      var now = new Date();
      var renewed = "Token renewed at " + clockTime(now);
      if (delay !== null) {
        renewed += "; next around " + clockTime(new Date(now.getTime() + delay));
      }
      var kind = session.view.kind === "error" ? "done" : session.view.kind;
      show(kind, session.view.text, renewed + ".");
      return payload.token;
    }
    forget();
    // The server's reason already says to sign in again (docs/sessions.md's codes).
    var why = problemsOf(payload, body) || "The server refused to renew the session.";
    show("error", /sign in again/i.test(why) ? why : why + " Sign in again.");
    return null;
  }

  // The `fetch` of GraphiQL's HTTP fetcher: a 401 to a token of this session (it expired while
  // the tab slept, say) renews the session once and sends the request again with the new token.
  async function fetchRenewing(input, init) {
    var response = await fetch(input, init);
    var sent = init && bearerOf(init.headers);
    if (response.status !== 401 || !sent || !session.accessTokens.has(sent)) {
      return response;
    }
    // Renewed already since this request left (the pane had the old token): no need to spend
    // another refresh token.
    var token = sent === session.accessToken ? await refresh() : session.accessToken;
    if (!token) {
      return response;
    }
    var headers = new Headers(init.headers);
    headers.set("Authorization", "Bearer " + token);
    return fetch(input, Object.assign({}, init, { headers: headers }));
  }

  async function logIn(email, password) {
    var body = await post(LOG_IN, "LogIn", { input: { email: email, password: password } });
    var payload = body.data && body.data.logIn;
    if (payload && payload.token && payload.refreshToken) {
      return payload;
    }
    throw new Error(problemsOf(payload, body) || "Signing in failed.");
  }

  // Ends the session on the server (logOut, renewing once if its access token expired) and
  // takes the token out of the Headers pane.
  async function signOut() {
    var token = session.accessToken;
    show("busy", "Signing out…");
    var said = "";
    try {
      var response = await fetchRenewing(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          Authorization: "Bearer " + token,
        },
        body: JSON.stringify({ query: LOG_OUT, operationName: "LogOut" }),
      });
      var body = await response.json();
      var payload = body.data && body.data.logOut;
      if (!payload || payload.ended === null) {
        said = problemsOf(payload, body);
      }
    } catch (error) {
      said = describe(error);
    }
    forget();
    if (writeToken) {
      writeToken(null);
    }
    show("idle", said ? "Signed out here; the server said: " + said : "Signed out.");
  }

  // Always mounted (in the toolbar), so that a renewal lands in the Headers pane whichever
  // plugin is open. Writes the pane through its editor, as typing would.
  function SessionKeeper() {
    var editors = GraphiQL.React.useEditorContext();
    var headerEditor = editors && editors.headerEditor;
    React.useEffect(
      function () {
        if (!headerEditor) {
          return undefined;
        }
        writeToken = function (token) {
          headerEditor.setValue(withToken(headerEditor.getValue(), token));
        };
        return function () {
          writeToken = null;
        };
      },
      [headerEditor],
    );
    return null;
  }

  function useSessionView() {
    var state = React.useState(session.view);
    var setView = state[1];
    React.useEffect(function () {
      listeners.add(setView);
      setView(session.view);
      return function () {
        listeners.delete(setView);
      };
    }, []);
    return state[0];
  }

  function SignIn() {
    var email = React.useState("");
    var password = React.useState("");
    var view = useSessionView();

    async function submit(event) {
      event.preventDefault();
      show("busy", "Signing in…");
      try {
        var result = await logIn(email[0], password[0]);
        password[1]("");
        forget(); // a session started before this one is left to expire
        adopt(result.token, result.refreshToken);
        show("done", "Signed in as " + result.viewer.name + ". The token is in the Headers pane.");
      } catch (error) {
        show("error", describe(error));
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
          "subscriptions alike. The token is renewed before it expires while this tab is open; " +
          "the refresh token stays in this tab's memory.",
      ),
      field("Email", "email", email, "username"),
      field("Password", "password", password, "current-password"),
      h(
        "div",
        { className: "mentorgraph-sign-in-buttons" },
        h("button", { type: "submit", disabled: view.kind === "busy" }, "Sign in"),
        view.signedIn
          ? h(
              "button",
              {
                type: "button",
                className: "mentorgraph-sign-out",
                disabled: view.kind === "busy",
                onClick: signOut,
              },
              "Sign out",
            )
          : null,
      ),
      h("p", { className: "mentorgraph-sign-in-status " + view.kind, role: "status" }, view.text),
      h("p", { className: "mentorgraph-session-renewed" }, view.signedIn ? view.renewed : ""),
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

  // The default toolbar's buttons, plus the always-mounted SessionKeeper.
  function toolbar(tools) {
    return h(React.Fragment, null, tools.prettify, tools.merge, tools.copy, h(SessionKeeper));
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    h(
      GraphiQL,
      {
        fetcher: fetcher,
        plugins: plugins,
        defaultQuery: DEFAULT_QUERY,
        defaultEditorToolsVisibility: "headers",
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: true,
        inputValueDeprecation: true,
      },
      h(GraphiQL.Toolbar, null, toolbar),
    ),
  );
})();

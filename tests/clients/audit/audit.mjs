// graphql-http's GraphQL-over-HTTP audit against a running server. Prints one JSON line: every
// audit's id, name, status ("ok", "warn", "error") and, when not ok, its reason.
//   URL=http://127.0.0.1:8000/graphql node audit.mjs
import { auditServer } from "graphql-http";

const results = await auditServer({ url: process.env.URL });
const summary = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    entry.reason = result.reason;
    try {
      entry.response = {
        status: result.response.status,
        contentType: result.response.headers.get("content-type"),
        body: await result.response.text(),
      };
    } catch {
      // the response was already read by the audit
    }
  }
  summary.push(entry);
}
console.log(JSON.stringify(summary));

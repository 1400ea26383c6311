// Subscribes to mentorshipRequestEvents with the reference `graphql-ws` client and prints each
// event as one JSON line; exits 0 after COUNT events. On an error it prints
// {"error": ...} and exits 1; when the server closes the socket, {"closed": code, "reason": ...} (reason when the server
// gave one) and exit 2.
//   WS_URL=ws://127.0.0.1:8000/graphql TOKEN=... [AFTER=cursor] COUNT=2 node subscribe.mjs
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { WS_URL, TOKEN, AFTER, COUNT = "1" } = process.env;
const wanted = Number(COUNT);

const client = createClient({
  url: WS_URL,
  webSocketImpl: WebSocket,
  connectionParams: TOKEN ? { authorization: `Bearer ${TOKEN}` } : {},
  retryAttempts: 0,
  lazy: false,
  on: {
    closed: (event) => {
      if (event.code !== 1000) {
        const reason = event.reason ? { reason: event.reason } : {};
        console.log(JSON.stringify({ closed: event.code, ...reason }));
        process.exit(2);
      }
    },
  },
});

const query = `subscription Events($after: String) {
  mentorshipRequestEvents(after: $after) {
    id cursor fromStatus toStatus note
    request { id status }
  }
}`;

let received = 0;
const subscription = client.iterate({ query, variables: { after: AFTER || null } });
try {
  for await (const result of subscription) {
    if (result.errors) {
      console.log(JSON.stringify({ error: result.errors }));
      process.exit(1);
    }
    console.log(JSON.stringify(result.data.mentorshipRequestEvents));
    received += 1;
    if (received >= wanted) break;
  }
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.reason ?? error) }));
  process.exit(1);
}
await client.dispose();
process.exit(0);

// Subscribes to mentorshipRequestEvents WITHOUT a token, twice in a row, with graphql-ws's
// default retry policy (a client that would reconnect on a retryable close). Prints one JSON
// line: the errors each subscription ended with, and how many sockets the client opened.
//   WS_URL=ws://127.0.0.1:8000/graphql node anonymous.mjs
import { createClient } from "graphql-ws";
import WebSocket from "ws";

let opened = 0;
let closed = [];
const client = createClient({
  url: process.env.WS_URL,
  webSocketImpl: WebSocket,
  lazy: false, // keep the socket between the two subscriptions: a reconnect would show
  on: {
    opened: () => {
      opened += 1;
    },
    closed: (event) => {
      closed.push(event.code);
    },
  },
});

const query = "subscription Events { mentorshipRequestEvents { id } }";

function subscribeOnce() {
  return new Promise((resolve) => {
    client.subscribe(
      { query },
      {
        next: (value) => resolve({ next: value }),
        error: (error) => resolve({ error: Array.isArray(error) ? error : String(error?.reason ?? error) }),
        complete: () => resolve({ complete: true }),
      },
    );
  });
}

const first = await subscribeOnce();
const second = await subscribeOnce();
console.log(JSON.stringify({ first, second, opened, closed }));
await client.dispose();
process.exit(0);

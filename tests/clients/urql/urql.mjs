// urql core with the documented graphql-ws setup: fetchExchange for queries, subscriptionExchange
// over a graphql-ws client for subscriptions. Prints one JSON line after the query
// ({"phase": "subscribing", ...}), then one with the first APPROVED event the subscription gets.
//   HTTP_URL=... WS_URL=... TOKEN=... AFTER=<cursor> node urql.mjs
import { Client, cacheExchange, fetchExchange, gql, subscriptionExchange } from "@urql/core";
import { createClient as createWSClient } from "graphql-ws";
import WebSocket from "ws";

const { HTTP_URL, WS_URL, TOKEN, AFTER } = process.env;

const wsClient = createWSClient({
  url: WS_URL,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${TOKEN}` },
});
const client = new Client({
  url: HTTP_URL,
  fetchOptions: { headers: { Authorization: `Bearer ${TOKEN}` } },
  exchanges: [
    cacheExchange,
    fetchExchange,
    subscriptionExchange({
      forwardSubscription(request) {
        const input = { ...request, query: request.query || "" };
        return {
          subscribe(sink) {
            const unsubscribe = wsClient.subscribe(input, sink);
            return { unsubscribe };
          },
        };
      },
    }),
  ],
});

const viewer = await client.query(gql`query Viewer { viewer { id name } }`, {}).toPromise();
const broken = await client.query(gql`query Broken { viewer { nope } }`, {}).toPromise();
console.log(
  JSON.stringify({
    phase: "subscribing",
    viewer: viewer.data?.viewer ?? null,
    viewerError: viewer.error?.message ?? null,
    brokenError: broken.error?.graphQLErrors?.map((e) => ({
      message: e.message,
      code: e.extensions?.code,
    })),
  }),
);

const event = await new Promise((resolve, reject) => {
  const { unsubscribe } = client
    .subscription(
      gql`subscription Events($after: String) {
        mentorshipRequestEvents(after: $after) { id toStatus request { id status } }
      }`,
      { after: AFTER },
    )
    .subscribe((result) => {
      if (result.error) {
        reject(result.error);
        return;
      }
      const received = result.data.mentorshipRequestEvents;
      if (received.toStatus === "APPROVED") {
        setTimeout(unsubscribe);
        resolve(received);
      }
    });
});
console.log(JSON.stringify({ event }));
await wsClient.dispose();
process.exit(0);

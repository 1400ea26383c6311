// Apollo Client 4 as a web app sets it up: an HttpLink for queries and mutations, a
// GraphQLWsLink (graphql-ws) for subscriptions, split by operation type, one InMemoryCache.
// Prints one JSON line after the queries ({"phase": "subscribing", ...}); then, once the
// subscription delivered an APPROVED event, one more: the event and the request as the cache
// holds it afterwards.
//   HTTP_URL=http://127.0.0.1:8000/graphql WS_URL=ws://127.0.0.1:8000/graphql TOKEN=...
//   REQUEST_ID=... VIEWER_ID=... AFTER=<cursor> node apollo.mjs
import { ApolloClient, HttpLink, InMemoryCache, gql, split } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { HTTP_URL, WS_URL, TOKEN, REQUEST_ID, VIEWER_ID, AFTER } = process.env;

const wsClient = createClient({
  url: WS_URL,
  webSocketImpl: WebSocket,
  // As GraphiQL's headers pane sends it: the header's own capitalisation.
  connectionParams: { Authorization: `Bearer ${TOKEN}` },
});
const link = split(
  ({ query }) => {
    const definition = getMainDefinition(query);
    return definition.kind === "OperationDefinition" && definition.operation === "subscription";
  },
  new GraphQLWsLink(wsClient),
  new HttpLink({ uri: HTTP_URL, headers: { Authorization: `Bearer ${TOKEN}` } }),
);
const client = new ApolloClient({ link, cache: new InMemoryCache() });

// The README's directory browse.
const browse = await client.query({
  query: gql`
    query Browse($after: String) {
      mentors(filter: {search: "data", tags: ["python"], country: "DE", spokenLanguage: "en"},
              orderBy: NAME, first: 20, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id name title country tags spokenLanguages available isFavorite }
      }
      mentorFacets(filter: {search: "data", tags: ["python"]}) {
        tags { value count }
      }
    }
  `,
  variables: { after: null },
});

// The viewer, with their requests (the request enters the cache here).
const viewer = await client.query({
  query: gql`
    query Viewer {
      viewer {
        id name
        sentRequests(first: 20) { nodes { id status } }
      }
    }
  `,
});

// A refused change: a userError with its code, not a GraphQL error.
const favourite = await client.mutate({
  mutation: gql`
    mutation Favourite($mentorId: ID!) {
      addFavoriteMentor(input: {mentorId: $mentorId}) {
        user { id }
        userErrors { field message code }
      }
    }
  `,
  variables: { mentorId: VIEWER_ID }, // not a mentor
});

// A document that does not validate: its message and code must reach the app.
let documentError = null;
try {
  await client.query({ query: gql`query Broken { mentors(first: 1) { nodes { nope } } }` });
} catch (error) {
  documentError = {
    name: error.name,
    message: error.errors?.[0]?.message ?? error.message,
    code: error.errors?.[0]?.extensions?.code ?? null,
  };
}

console.log(
  JSON.stringify({
    phase: "subscribing",
    browse: browse.data.mentors,
    viewer: viewer.data.viewer,
    favourite: favourite.data.addFavoriteMentor,
    documentError,
  }),
);

const statusInCache = () =>
  client.readFragment({
    id: client.cache.identify({ __typename: "MentorshipRequest", id: REQUEST_ID }),
    fragment: gql`fragment RequestStatus on MentorshipRequest { id status }`,
  });

const event = await new Promise((resolve, reject) => {
  const subscription = client
    .subscribe({
      query: gql`
        subscription Events($after: String) {
          mentorshipRequestEvents(after: $after) {
            id cursor fromStatus toStatus
            request { id status }
          }
        }
      `,
      variables: { after: AFTER },
    })
    .subscribe({
      next: ({ data, error }) => {
        if (error) {
          subscription.unsubscribe();
          reject(error);
          return;
        }
        const received = data.mentorshipRequestEvents;
        if (received.toStatus === "APPROVED") {
          subscription.unsubscribe();
          resolve(received);
        }
      },
      error: reject,
    });
});

console.log(JSON.stringify({ event, cached: statusInCache() }));
client.stop();
await wsClient.dispose();
process.exit(0);

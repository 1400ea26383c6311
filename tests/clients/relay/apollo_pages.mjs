// Apollo Client 4's `relayStylePagination` over the mentor directory of a running server:
// a page from the middle of the list, `fetchMore` forward, then `fetchMore` backward. Prints
// what the cache then holds (one JSON line) for tests/api/test_clients_relay.py to check.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";

const url = process.env.GRAPHQL_URL;
const START_AFTER = process.env.START_AFTER; // the cursor the first page starts after
const PAGE = 2;

const DIRECTORY = gql`
  query Directory($first: Int, $after: String, $last: Int, $before: String) {
    mentors(orderBy: NAME, first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          id
          name
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

let requests = 0;
const client = new ApolloClient({
  link: new HttpLink({
    uri: url,
    fetch: (input, init) => {
      requests += 1;
      return fetch(input, init);
    },
  }),
  cache: new InMemoryCache({
    typePolicies: { Query: { fields: { mentors: relayStylePagination(["orderBy"]) } } },
  }),
});

const first = { first: PAGE, after: START_AFTER, last: null, before: null };
const observable = client.watchQuery({ query: DIRECTORY, variables: first });
const firstResult = new Promise((resolve, reject) => {
  const subscription = observable.subscribe({
    next: (result) => {
      if (result.data) resolve(subscription);
    },
    error: reject,
  });
});
const subscription = await firstResult;

const forward = observable.getCurrentResult().data.mentors.pageInfo.endCursor;
await observable.fetchMore({ variables: { first: PAGE, after: forward, last: null, before: null } });
const backward = observable.getCurrentResult().data.mentors.pageInfo.startCursor;
await observable.fetchMore({ variables: { first: null, after: null, last: PAGE, before: backward } });

const cached = client.readQuery({ query: DIRECTORY, variables: first }).mentors;
subscription.unsubscribe();
console.log(
  JSON.stringify({
    names: cached.edges.map((edge) => edge.node.name),
    cursors: cached.edges.map((edge) => edge.cursor),
    pageInfo: cached.pageInfo,
    requests,
  }),
);

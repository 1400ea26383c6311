// Apollo Client 4 with its persisted-queries link against a running mentorgraph (GRAPHQL_URL).
// Prints one JSON object: each step's data and the requests the link made (method, and whether
// the document itself was sent), for tests/api/test_persisted_queries_apollo.py to judge.
import { createHash } from "node:crypto";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const url = process.env.GRAPHQL_URL;
// The GET client talks to this one (another server process: documents are shared).
const otherUrl = process.env.GRAPHQL_URL_2 ?? url;
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

function client(uri, requests, options = {}) {
  const fetchAndLog = async (input, init) => {
    const target = new URL(typeof input === "string" ? input : input.url);
    const body = init?.body ? JSON.parse(init.body) : null;
    const sentDocument = body ? typeof body.query === "string" : target.searchParams.has("query");
    requests.push({ method: init?.method ?? "GET", sentDocument });
    if (process.env.APQ_DEBUG) console.error(init?.method, target.search, init?.body);
    return fetch(input, init);
  };
  const link = ApolloLink.from([
    new PersistedQueryLink({ sha256, ...options }),
    new HttpLink({ uri, fetch: fetchAndLog }),
  ]);
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

const MENTORS = gql`
  query ApqMentors {
    mentors(first: 5) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;
const VIEWER = gql`
  query ApqViewer {
    viewer {
      id
    }
  }
`;
const SIGN_UP = gql`
  mutation ApqSignUp($input: SignUpInput!) {
    signUp(input: $input) {
      token
      userErrors {
        code
      }
    }
  }
`;

async function step(apollo, requests, run) {
  requests.length = 0;
  const result = await run(apollo);
  return { data: result.data ?? null, error: result.error?.message ?? null, requests: [...requests] };
}

const postRequests = [];
const post = client(url, postRequests);
const getRequests = [];
const get = client(otherUrl, getRequests, { useGETForHashedQueries: true });
const query = (q) => (apollo) => apollo.query({ query: q, fetchPolicy: "network-only" });

const report = {
  postFirst: await step(post, postRequests, query(MENTORS)),
  postAgain: await step(post, postRequests, query(MENTORS)),
  getStored: await step(get, getRequests, query(MENTORS)),
  getNew: await step(get, getRequests, query(VIEWER)),
  getNewAgain: await step(get, getRequests, query(VIEWER)),
  getMutation: await step(get, getRequests, (apollo) =>
    apollo.mutate({
      mutation: SIGN_UP,
      variables: {
        input: { email: "apollo@example.com", name: "Apollo", password: "correct horse battery staple" },
      },
    }),
  ),
};
console.log(JSON.stringify(report));

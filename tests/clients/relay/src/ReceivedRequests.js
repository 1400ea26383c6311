// A mentor's received requests, paged both ways (`usePaginationFragment`'s loadNext and
// loadPrevious need `first`/`after` and `last`/`before` on the same connection).
import { graphql } from "react-relay";

export const receivedRequestsQuery = graphql`
  query ReceivedRequestsQuery($mentorId: ID!) {
    node(id: $mentorId) {
      ...ReceivedRequests_user @alias
    }
  }
`;

export const receivedRequestsFragment = graphql`
  fragment ReceivedRequests_user on User
  @argumentDefinitions(
    first: { type: "Int", defaultValue: 10 }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  )
  @refetchable(queryName: "ReceivedRequestsPaginationQuery") {
    receivedRequests(first: $first, after: $after, last: $last, before: $before)
      @connection(key: "ReceivedRequests_receivedRequests") {
      edges {
        node {
          id
          status
          message
          mentee {
            id
            name
          }
        }
      }
    }
  }
`;

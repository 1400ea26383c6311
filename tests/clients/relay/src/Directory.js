// The mentor directory as a Relay app pages it: a paginated fragment on Query over `mentors`,
// kept in the store under one `@connection` key.
import { graphql } from "react-relay";

export const directoryQuery = graphql`
  query DirectoryQuery($count: Int!, $cursor: String) {
    ...Directory_mentors @arguments(count: $count, cursor: $cursor)
  }
`;

export const directoryFragment = graphql`
  fragment Directory_mentors on Query
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" })
  @refetchable(queryName: "DirectoryPaginationQuery") {
    mentors(first: $count, after: $cursor, orderBy: NAME)
      @connection(key: "Directory_mentors") {
      totalCount
      edges {
        node {
          id
          name
          title
          tags
        }
      }
    }
  }
`;

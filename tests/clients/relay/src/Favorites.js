// The viewer's favourite mentors: a paginated fragment on `User` (refetched through `node`).
import { graphql } from "react-relay";

export const favoritesQuery = graphql`
  query FavoritesQuery {
    viewer {
      ...Favorites_user
    }
  }
`;

export const favoritesFragment = graphql`
  fragment Favorites_user on User
  @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" })
  @refetchable(queryName: "FavoritesPaginationQuery") {
    favoriteMentors(first: $count, after: $cursor)
      @connection(key: "Favorites_favoriteMentors") {
      edges {
        node {
          id
          name
          isFavorite
        }
      }
    }
  }
`;

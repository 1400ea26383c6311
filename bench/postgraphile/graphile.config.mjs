// PostGraphile 5 as an ordinary user would run it: the Amber preset over our tables, plus the
// read functions of ../sql/shapes.sql (computed columns and a custom query) and its one custom
// mutation (shape 9). DATABASE_URL and PORT come from the benchmark runner.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { constant } from "postgraphile/grafast";
import { extendSchema, gql } from "postgraphile/utils";

// Shape 9's payload as mentorgraph's has it: PostGraphile reports a refusal as an error (the SQL
// function raises), so its `userErrors` is always the empty list; declared only so the answers
// compare field for field.
const UserErrorsPlugin = extendSchema(() => ({
  typeDefs: gql`
    type MarkViewedUserError {
      code: String!
      field: [String!]
      message: String!
    }
    extend type MarkMentorshipRequestViewedPayload {
      userErrors: [MarkViewedUserError!]!
    }
  `,
  objects: {
    MarkMentorshipRequestViewedPayload: {
      plans: {
        userErrors() {
          return constant([]);
        },
      },
    },
  },
}));

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [UserErrorsPlugin],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: 20 },
    }),
  ],
  grafserv: { port: Number(process.env.PORT || 5678), host: "127.0.0.1", graphiql: false },
  grafast: { explain: false },
};

export default preset;

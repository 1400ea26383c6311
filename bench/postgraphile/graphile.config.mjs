// PostGraphile 5 as an ordinary user would run it: the Amber preset over our tables, plus the
// read functions of ../sql/shapes.sql (computed columns and a custom query). DATABASE_URL and
// PORT come from the benchmark runner.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
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

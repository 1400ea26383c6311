"""GraphQL object types: views over the models, privacy applied by the resolvers they call."""

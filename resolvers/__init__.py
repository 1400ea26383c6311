"""What each GraphQL operation does: thin translations between GraphQL and `models/`."""

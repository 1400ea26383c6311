"""GraphiQL served by this server alone: the page (with its Content-Security-Policy) and the
vendored builds it loads, so the IDE works with no internet (scripts/refresh_graphiql.py)."""

from mentorgraph.graphiql.assets import ASSETS_PATH, GraphiQLAssets
from mentorgraph.graphiql.page import GraphiQLPage

__all__ = ["ASSETS_PATH", "GraphiQLAssets", "GraphiQLPage"]

"""Publishing: the build pipeline, OWL 2 RL inference, the release bundle, the web catalogue,
the SPARQL endpoint and pushing to a triplestore."""

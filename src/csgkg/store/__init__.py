"""The dataset in a pyoxigraph store: loading files into named graphs, and the persistent index that
``csgkg build`` writes into ``build/index/`` for commands that must answer at once on large data."""

"""Stored SPARQL queries: load them, bind their parameters safely, run them and format the answers.

One module per job:

- :mod:`.decorators`: read the grlc ``#+`` decorators and the expected answer of a ``.rq`` file;
- :mod:`.catalogue`: the stored queries of a dataset and their parameters;
- :mod:`.resolve`: turn what a person types (IRI, CURIE, label) into the RDF term it names;
- :mod:`.binding`: bind parameters as RDF terms in a ``VALUES`` block, never splicing user text;
- :mod:`.safety`: refuse ``SERVICE``, updates, ``LOAD`` and ``FROM`` by reading the parsed query;
- :mod:`.engine`: load the graph (``dist/csgkg.nt`` when it is up to date) and run a query on it;
- :mod:`.formats`: print answers as a table, CSV, TSV, JSON or Markdown;
- :mod:`.compare`: the side-by-side comparison of two interventions.

The public API is in :mod:`csgkg.sparql.api`.
"""

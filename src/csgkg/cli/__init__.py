"""The ``csgkg`` command line: it parses arguments and prints; the library does the work."""

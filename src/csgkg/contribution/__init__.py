"""Contributions: scaffold, read (Turtle, N-Triples, JSON-LD, the YAML form), check and add new entries."""

"""A fast whole-dataset SHACL validator that gives exactly the results pySHACL gives.

The shapes are read once (:mod:`.model`); each constraint of each shape becomes one SPARQL query run
on a pyoxigraph store holding the dataset, joined with the shape's targets, or a check in Python
where only Python gives pySHACL's exact answer (regular expressions, datatypes, value ranges). A shape
using anything else raises :class:`UnsupportedShapes`, and callers fall back to pySHACL.
"""

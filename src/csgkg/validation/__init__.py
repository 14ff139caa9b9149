"""Validation: the SHACL report, pySHACL and the fast engine behind one choice, messages
a person can act on."""

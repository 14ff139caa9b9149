"""Reading and writing RDF: parse files with located errors, find a node's line, serialise
deterministically, talk to remote SPARQL endpoints. Imports only from csgkg.core."""

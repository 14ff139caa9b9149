"""The bottom layer: dataset roots, errors, namespaces, atomic files and the manifest of source files.

Nothing here imports from the rest of csgkg.
"""

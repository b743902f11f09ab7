"""Plumbing that every layer above may use: errors, namespaces, where the shipped resources are,
files written atomically, RDF syntaxes in and out, names of terms, the compiled-graph cache.

Nothing here imports from another spinekg package.
"""

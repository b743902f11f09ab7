"""Analyses across pages: where they conflict (:mod:`.conflicts`)."""

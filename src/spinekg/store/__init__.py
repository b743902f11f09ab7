"""Where the graph lives: rdflib's memory store, or Oxigraph in memory or in a folder on disk
(:mod:`.oxigraph`); :mod:`.terms` converts terms between rdflib and pyoxigraph."""

from spinekg.store.oxigraph import MANIFEST, StoreError, StoreSpec

__all__ = ["StoreSpec", "StoreError", "MANIFEST"]

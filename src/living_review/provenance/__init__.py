"""Provenance: the ledger of every estimate a chapter publishes, what a chapter read and wrote while
it ran, the state of the ledger records a chapter depends on, and the build stamp."""

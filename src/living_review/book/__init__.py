"""Building the book: chapter generation, the Sphinx extension, the build stamp, figure files,
the fingerprints of the build's inputs, and the ledger of every estimate a chapter publishes."""

"""Building the book: chapter generation, the execution of the chapters that need it (what each
read, recorded at run time, and the parallel run), the Sphinx extension, the build stamp, figure
files, the fingerprints of the build's inputs, and the ledger of every estimate a chapter publishes."""

"""tests/meta: draw figures off-screen. Reference values live in r/references.json, written by
r/make_references.R; each test module loads the part it checks."""

import matplotlib

matplotlib.use("Agg")

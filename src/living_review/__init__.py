"""living_review: the engine behind a living systematic review published as a Jupyter Book.

The package is general: it validates evidence data, pools proportions and survival data,
keeps search and screening logs, draws figures and makes releases. Everything specific to
one review lives in the project's ``data/`` folder and in its chapters.

Heavy submodules are imported on first use, so ``import living_review`` stays cheap.
"""

from importlib import import_module

from living_review._version import __version__

# public name -> module that defines it
_LAZY = {
    "metaprop": "living_review.meta",
    "load_evidence": "living_review.data",
    "paths": "living_review.core.paths",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        module = import_module(_LAZY[name])
        return module if module.__name__.endswith(name) else getattr(module, name)
    raise AttributeError(f"module 'living_review' has no attribute {name!r}")

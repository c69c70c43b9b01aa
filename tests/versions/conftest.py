"""The version tests use the release tests' small project (:func:`tests.release.conftest.project`)."""

from tests.release.conftest import make_project, project  # noqa: F401

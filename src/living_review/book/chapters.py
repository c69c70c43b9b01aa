"""Generate the per-drug chapters from one template notebook with papermill.

Each drug chapter is the same jupytext notebook (``drug_chapters.template`` in
``review.yml``) with its ``parameters`` cell overridden by papermill: the drug, the
histology and the outcomes, and the pooling method of ``meta_analysis`` (model,
transform, tau² method, Hartung-Knapp, level), which a parameterised rerun may change
(:mod:`living_review.runs.rerun`). The generated notebooks are written unexecuted
(papermill's ``prepare_only``); the book build executes them like every other chapter.
A file is rewritten only when its content changes, so an unchanged chapter is not
re-executed by an incremental build.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import papermill

from living_review.core.paths import project_root
from living_review.settings import load_settings

GENERATED_DIR = Path("notebooks") / "generated"
TITLE_PLACEHOLDER = "{{ drug_title }}"


def drug_chapter_path(drug: str, root: Path | None = None) -> Path:
    """Where the chapter for ``drug`` is written (its name never changes between versions)."""
    root = root or project_root()
    return root / GENERATED_DIR / f"drug_{drug}.ipynb"


def _render(template: Path, parameters: dict) -> str:
    notebook = jupytext.read(template)
    prepared = papermill.execute_notebook(
        notebook,
        None,
        parameters=parameters,
        prepare_only=True,
        log_output=False,
        progress_bar=False,
        kernel_name="python3",
    )
    for cell in prepared.cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace(TITLE_PLACEHOLDER, parameters["drug"].capitalize())
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            # the parameters are stated in the chapter's prose; the cell itself is plumbing
            cell.metadata["tags"] = [*tags, "remove-cell"]
    # papermill records run paths and times; a chapter must depend on its parameters only.
    prepared.metadata.pop("papermill", None)
    for cell in prepared.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.pop("id", None)
    prepared.nbformat_minor = 4
    return nbformat.writes(prepared) + "\n"


def generate_drug_chapters(root: Path | None = None) -> list[Path]:
    """Write one chapter per drug listed in ``review.yml``; return the paths written or kept."""
    root = root or project_root()
    review = load_settings(root / "review.yml")
    settings, meta = review.drug_chapters, review.meta_analysis
    template = root / settings.template
    method = {"model": meta.model, "transform": meta.transform, "tau2_method": meta.tau2_method,
              "hakn": meta.hakn, "level": meta.level}
    written = []
    for drug in settings.drugs:
        parameters = {"drug": drug, "histology": settings.histology, "outcomes": list(settings.outcomes), **method}
        text = _render(template, parameters)
        target = drug_chapter_path(drug, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def main() -> int:
    for path in generate_drug_chapters():
        print(f"chapter: {path.relative_to(project_root()).as_posix()}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

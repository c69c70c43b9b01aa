"""Downloads of the site: the data package, the ledger of estimates, the PDF, each release's summary.

After every HTML build (Sphinx ``build-finished``), this extension writes into
``<html>/downloads/``

- ``living-review-data-<version>.zip``: the ``data/`` folder with its ``datapackage.json``;
- ``estimates-<version>.csv``: every estimate the book publishes (the ledger, one row per
  key: outcome, estimate and interval, k, patients, heterogeneity, chapter, parameters, inputs),
  the numbers to ten significant digits (:data:`CSV_SIGNIFICANT_DIGITS`);
- ``summary-<release>.json``: the summary of each release in ``releases/``;
- ``living-review-<version>.pdf``: the PDF, when ``_build/latex/living-review.pdf`` exists.

The root page holds an empty list with the id ``downloads-list``; the extension fills it with
a link to each file written, so the page never links a file that is not there. The PDF is
built after the site (``make pdf``), so ``python -m living_review.book.downloads`` (run by
the Makefile after the PDF build) copies the new PDF and fills the list again.

Every file is the same byte for byte from the same inputs: zip members are sorted and dated
``SOURCE_DATE_EPOCH`` (or 1980-01-01), and the CSV is written in key order.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from living_review._version import __version__
from living_review.core.fingerprint import published_files
from living_review.core.paths import project_root
from living_review.provenance.ledger import collect

FOLDER = "downloads"
PDF_SOURCE = Path("_build") / "latex" / "living-review.pdf"
LIST = re.compile(r'(<ul id="downloads-list"[^>]*>).*?(</ul>)', re.S)
CSV_COLUMNS = ("key", "outcome", "estimate", "ci_low", "ci_high", "k", "n", "tau2", "i2", "pi_low", "pi_high",
               "chapter", "params", "inputs")


@dataclass(frozen=True)
class Download:
    """One file of ``downloads/``: its name and what it is, in words."""

    name: str
    description: str


def _zip_date() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = max(int(epoch), 315532800) if epoch.isdigit() else 315532800  # zip dates start in 1980
    return time.gmtime(seconds)[:6]


def write_data_package(data: Path, target: Path) -> Path:
    """``data/`` (every file the data fingerprint covers, ``datapackage.json`` included: in a git
    checkout the tracked files only, so a stray local file is never published) as a reproducible
    zip at ``target``."""
    if not (data / "datapackage.json").is_file():
        raise ValueError(f"{data}: no datapackage.json; the data package is the data/ folder with its descriptor")
    date = _zip_date()
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files = published_files(data.parent, [data.name])
        for path in sorted((p for p in files if not p.name.startswith(".")), key=lambda p: p.as_posix()):
            info = zipfile.ZipInfo(f"data/{path.relative_to(data).as_posix()}", date_time=date)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return target


#: significant digits of the estimates, intervals and heterogeneity in the estimates CSV. The
#: pooled survival curves go through LAPACK, whose last bits follow the CPU's BLAS kernel
#: (about 1e-15 relative); ten digits keep the file the same byte for byte across kernels
#: (a flip needs a value within 1e-15 of a rounding boundary) and are far beyond what the
#: data support. ``summary-<release>.json`` keeps full precision.
CSV_SIGNIFICANT_DIGITS = 10


def _rounded(value):
    """A float to :data:`CSV_SIGNIFICANT_DIGITS` significant digits; anything else as it is."""
    if isinstance(value, float):
        return format(value, f".{CSV_SIGNIFICANT_DIGITS}g")
    return value


def ledger_csv(records: dict[str, dict]) -> str:
    """The ledger (:func:`living_review.provenance.ledger.collect`) as CSV text, one row per key in key order.

    Estimates, intervals, tau² and I² are written to :data:`CSV_SIGNIFICANT_DIGITS`
    significant digits (the parameters and inputs as recorded)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for key in sorted(records):
        rec, extra = records[key], records[key].get("extra") or {}
        numbers = [_rounded(rec.get(f)) for f in ("estimate", "ci_low", "ci_high")]
        spread = [_rounded(extra.get(f)) for f in ("tau2", "i2", "pi_low", "pi_high")]
        row = [key, rec.get("outcome"), *numbers, rec.get("k"), rec.get("n"), *spread,
               rec.get("chapter"), json.dumps(rec.get("params") or {}, sort_keys=True),
               json.dumps(rec.get("inputs") or [], sort_keys=True)]
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def write_downloads(root: Path, site: Path, *, version: str = __version__) -> list[Download]:
    """Write every download of the site into ``site/downloads``; return them in the order listed."""
    folder = site / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    data_zip = write_data_package(root / "data", folder / f"living-review-data-{version}.zip")
    written.append(Download(data_zip.name, "the evidence data: every table of data/ with its schema (datapackage.json)"))
    estimates = folder / f"estimates-{version}.csv"
    estimates.write_text(ledger_csv(collect(root)), encoding="utf-8")
    written.append(Download(estimates.name, "every estimate this version publishes, with its inputs and parameters"))
    pdf = root / PDF_SOURCE
    if pdf.is_file():
        shutil.copyfile(pdf, folder / f"living-review-{version}.pdf")
        written.append(Download(f"living-review-{version}.pdf", "this version as a PDF"))
    for summary in sorted((root / "releases").glob("*/summary.json"), key=lambda p: _version_key(p.parent.name)):
        name = f"summary-{summary.parent.name}.json"
        shutil.copyfile(summary, folder / name)
        written.append(Download(name, f"the summary of release {summary.parent.name}: its estimates and data fingerprint"))
    return written


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.]", version))


def fill_list(page: Path, downloads: list[Download], *, depth: int = 0) -> bool:
    """Put a link to each download into the list ``downloads-list`` of ``page``; False if it has none.

    ``depth`` is how many folders below the site root the page is (``book/index.html``: 1).
    """
    text = page.read_text(encoding="utf-8")
    up = "../" * depth
    items = "".join(f'<li><a href="{up}{FOLDER}/{html.escape(d.name)}" download>{html.escape(d.name)}</a>: '
                    f"{html.escape(d.description)}</li>" for d in downloads)
    new, count = LIST.subn(lambda m: m.group(1) + items + m.group(2), text, count=1)
    if count:
        page.write_text(new, encoding="utf-8")
    return bool(count)


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    downloads = write_downloads(project_root(), Path(app.outdir))
    root_doc = app.config.root_doc
    fill_list(Path(app.outdir) / f"{root_doc}.html", downloads, depth=root_doc.count("/"))


def setup(app) -> dict:
    app.connect("build-finished", _build_finished)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}


def main() -> int:
    """After the PDF build: copy the PDF into the site's downloads and list it on the root page."""
    root = project_root()
    site = root / "_build" / "html"
    if not site.is_dir():
        print("no HTML site in _build/html: nothing to add the PDF to (make html builds it)")
        return 0
    downloads = write_downloads(root, site)
    fill_list(site / "book" / "index.html", downloads, depth=1)
    for d in downloads:
        print(f"download: {FOLDER}/{d.name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

#!/usr/bin/env bash
# Install the Debian packages the project needs beyond Python:
#   TeX (the PDF), poppler-utils (PDF checks), Chromium (browser tests), R with metafor, lme4,
#   survival and mvtnorm (reference checks). Installs only what is missing; where apt is unavailable it prints what is needed.
set -euo pipefail

PACKAGES=(
  # PDF through pdflatex (jupyter-book --builder pdflatex with use_jupyterbook_latex: false)
  texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended texlive-xetex latexmk tex-gyre
  # pdftotext / pdfinfo for the PDF checks
  poppler-utils
  # headless browser tests of the built site
  chromium
  # reference implementations: R metafor (meta-analysis), lme4 (GLMM), survival (Kaplan-Meier,
  # log-rank) and mvtnorm (multivariate normal draws)
  r-base-core r-cran-metafor r-cran-lme4 r-cran-survival r-cran-mvtnorm
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# npm installs the site's offline maths renderer (MathJax, pinned in package.json); it may come
# with a nodejs package from another repository, so the command is checked, not the package
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system dependencies: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system dependencies: apt-get is not available on this machine." >&2
  echo "Install these packages (Debian/Ubuntu names) with your package manager, then rerun:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "system dependencies: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "system dependencies: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "system dependencies: done"

"""The built site in a real browser: no console errors, every image loads, no broken internal link.

Playwright drives Debian's Chromium (installed by scripts/install-system-deps.sh), headless,
with background networking off, against the built site served from localhost. Screenshots
of every page are saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from living_review.paths import project_root

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]


# The site loads MathJax from its CDN; the test machine has no internet, so such requests
# are answered locally with an empty script, and any other external host fails the test.
ALLOWED_EXTERNAL_HOSTS = {"cdn.jsdelivr.net"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports what matters
        pass


@pytest.fixture(scope="module")
def site(book_build):
    assert book_build.html_returncode == 0, "the HTML build failed; see test_book_build"
    handler = functools.partial(_QuietHandler, directory=str(book_build.html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (scripts/install-system-deps.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_every_page_loads_cleanly(site, browser, toc, book_build):
    shots = project_root() / "test-artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    pages = ["index"] + toc
    problems: list[str] = []
    internal_links: set[str] = set()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    external: set[str] = set()

    def stub_external(route):
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost"):
            return route.continue_()
        external.add(host)
        return route.fulfill(status=200, content_type="application/javascript", body="")

    context.route("**/*", stub_external)
    for page_name in pages:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.on(
            "response",
            lambda r, errors=errors: errors.append(f"HTTP {r.status} for {r.url}") if r.status >= 400 else None,
        )
        url = urljoin(site, f"{page_name}.html")
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            problems.append(f"{page_name}: HTTP {response.status if response else 'no response'}")
            continue
        page.wait_for_load_state("networkidle")
        broken = page.evaluate(
            "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        problems += [f"{page_name}: image did not load: {src}" for src in broken]
        problems += [f"{page_name}: console error: {e}" for e in errors]
        for href in page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"):
            target = urldefrag(href).url
            if urlparse(target).netloc == urlparse(site).netloc:
                internal_links.add(target)
        page.screenshot(path=str(shots / f"{page_name.replace('/', '__')}.png"), full_page=True)
        page.close()
    for link in sorted(internal_links):
        path = urlparse(link).path.lstrip("/")
        local = book_build.html_dir / path
        if path.endswith("/") or path == "":
            local = local / "index.html"
        if not local.exists():
            problems.append(f"broken internal link: {link}")
    context.close()
    assert problems == [], "\n".join(problems)
    assert external <= ALLOWED_EXTERNAL_HOSTS, f"unexpected external hosts: {sorted(external - ALLOWED_EXTERNAL_HOSTS)}"
    assert len(pages) == len(toc) + 1

"""The built site in a real browser, offline: no request leaves the site, no console error,
every image loads, no broken internal link, the maths is rendered (no raw TeX delimiters in
the visible text), and at phone width (390 px) the page never scrolls sideways and every
table scrolls inside its own box.

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

from living_review.core.paths import project_root

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]


# The site must read offline (an archived copy is cited): every request to another host is
# blocked and reported, and MathJax must render from the site's own copy.
ALLOWED_EXTERNAL_HOSTS: set[str] = set()
PHONE = {"width": 390, "height": 844}
# what MathJax leaves in the visible text when it did not run
RAW_TEX = ("\\(", "\\)", "\\[", "\\]", "\\tfrac", "\\frac", "\\alpha", "\\left")


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
        return route.abort()

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
        page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise", timeout=10000)
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        visible = page.evaluate("() => document.querySelector('main, article, body').innerText")
        problems += [f"{page_name}: raw TeX {t!r} in the visible text" for t in RAW_TEX if t in visible]
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


def test_phone_width_never_scrolls_sideways(site, browser, toc):
    """At 390 px the page is no wider than the screen; wide tables scroll inside their own box."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.route("**/*", lambda route: route.continue_() if (urlparse(route.request.url).hostname or "")
                  in ("127.0.0.1", "localhost") else route.abort())
    shots = project_root() / "test-artifacts" / "screenshots" / "phone"
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for page_name in ["index"] + toc:
        page = context.new_page()
        page.goto(urljoin(site, f"{page_name}.html"), wait_until="load")
        page.wait_for_load_state("networkidle")
        wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if wide > 1:
            problems.append(f"{page_name}: the page scrolls sideways by {wide} px at 390 px")
        # every table wider than the article sits in a box that scrolls it
        clipped = page.evaluate("""() => Array.from(document.querySelectorAll('.bd-article table')).filter(t => {
            const box = t.getBoundingClientRect();
            if (t.scrollWidth <= t.clientWidth + 1 && box.right <= window.innerWidth + 1) return false;
            let el = t;
            while (el && el !== document.body) {
                const o = getComputedStyle(el).overflowX;
                if ((o === 'auto' || o === 'scroll') && el.getBoundingClientRect().right <= window.innerWidth + 1) return false;
                el = el.parentElement;
            }
            return true;
        }).length""")
        if clipped:
            problems.append(f"{page_name}: {clipped} table(s) wider than the screen without their own scroll box")
        unlinked = page.evaluate("() => Array.from(document.querySelectorAll('.bd-article img')).filter(i => !i.closest('a')).length")
        if unlinked:
            problems.append(f"{page_name}: {unlinked} figure(s) do not open at full size on tap")
        page.screenshot(path=str(shots / f"{page_name.replace('/', '__')}.png"), full_page=False)
        page.close()
    context.close()
    assert problems == [], "\n".join(problems)


# the pages with the results tables a reader checks on a phone
RESULTS_PAGES = ["notebooks/01_summary_of_findings", "notebooks/12_comparative_evidence",
                 "notebooks/generated/drug_lenvatinib"]

# For every table of the article: the columns that lie beyond the screen's or the box's right
# edge, whether a visible cue says that the box scrolls, and every caption that is cut.
PHONE_TABLES_JS = """() => {
  const width = window.innerWidth;
  const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; };
  const tables = Array.from(document.querySelectorAll('.bd-article table')).map((t, i) => {
    const box = t.closest('.lr-table-box') || t;
    const edge = Math.min(width, box.getBoundingClientRect().right);
    const cells = Array.from(t.querySelectorAll('tbody td, tbody th')).filter(visible);
    const hidden = cells.filter(c => c.getBoundingClientRect().right > edge + 1 || c.getBoundingClientRect().left < -1);
    const cue = box.previousElementSibling;
    const cued = !!cue && cue.classList.contains('lr-scroll-cue') && visible(cue)
      && box.classList.contains('lr-overflows');
    const caption = t.getAttribute('aria-labelledby') ? document.getElementById(t.getAttribute('aria-labelledby'))
      : t.querySelector('caption');
    return {index: i, id: t.id || '', cells: cells.length, hidden: hidden.length, cued: cued,
            caption: caption ? caption.innerText.slice(0, 60) : null};
  });
  const clipped = [];
  document.querySelectorAll('.bd-article caption, .bd-article .lr-table-caption, .bd-article figcaption').forEach(c => {
    const r = c.getBoundingClientRect();
    let cut = r.right > width + 1 || r.left < -1 || c.scrollWidth > c.clientWidth + 1;
    let el = c.parentElement;
    while (!cut && el && el !== document.body) {
      const o = getComputedStyle(el).overflowX;
      if (o !== 'visible' && r.right > el.getBoundingClientRect().right + 1) cut = true;
      el = el.parentElement;
    }
    if (cut) clipped.push(c.innerText.slice(0, 60));
  });
  return {tables: tables, clipped: clipped};
}"""


def phone_table_problems(page, name: str) -> list[str]:
    """What a reader at 390 px cannot see of the results tables of ``page`` (see PHONE_TABLES_JS)."""
    found = page.evaluate(PHONE_TABLES_JS)
    problems = [f"{name}: caption cut at the screen's edge: {caption!r}" for caption in found["clipped"]]
    for table in found["tables"]:
        if table["hidden"] and not table["cued"]:
            problems.append(f"{name}: table {table['id'] or table['index']} ({table['caption']!r}): "
                            f"{table['hidden']} of {table['cells']} cells off-screen with no scroll cue")
    if not found["tables"]:
        problems.append(f"{name}: no table found")
    return problems


def test_results_tables_can_be_read_on_a_phone(site, browser):
    """At 390 x 844 every column of every results table is on the screen (the rows reflow as
    cards) or the table says that it scrolls; no caption is cut."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.route("**/*", lambda route: route.continue_() if (urlparse(route.request.url).hostname or "")
                  in ("127.0.0.1", "localhost") else route.abort())
    problems: list[str] = []
    for name in RESULTS_PAGES:
        page = context.new_page()
        page.goto(urljoin(site, f"{name}.html"), wait_until="load")
        page.wait_for_load_state("networkidle")
        problems += phone_table_problems(page, name)
        page.close()
    context.close()
    assert problems == [], "\n".join(problems)


def test_the_phone_check_sees_a_cut_table(browser):
    """The check itself: a wide table without cue, and a clipped caption, are reported."""
    page = browser.new_page(viewport=PHONE)
    page.set_content("<article class='bd-article'><div style='overflow-x:auto'><table id='t'>"
                     "<caption style='white-space:nowrap'>" + "a very long caption " * 10 + "</caption><tbody><tr>"
                     + "<td>cell-with-text</td>" * 12 + "</tr></tbody></table></div></article>")
    problems = phone_table_problems(page, "test")
    page.close()
    assert any("off-screen" in p for p in problems) and any("caption cut" in p for p in problems)

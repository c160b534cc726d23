"""Tap-to-committed-write latency of the PWA in headless Chromium, against a bare IndexedDB put.

A technician signs in to the real app (a temporary SQLite database, served on 127.0.0.1),
starts a session with a full caseload of targets, and taps the frequency card N times with
real mouse input. For each tap we take the input event's timestamp (when the browser received
the click) and the moment the outbox write's transaction committed, in the same page clock.
The baseline, measured in the same page and run: one record put into IndexedDB in its own
transaction, awaited to commit. Machines here are noisy, so the ratio is the figure that
matters. Also reports the gzip size of the JavaScript the session screen loads (its whole
static import graph from js/app.js).

It then does the same in a group session of six learners (``--group 6``; 0 skips it): five
more clients with the same targets join Sam on one screen (66 cards), and the taps go round the
learners' frequency cards, each into that learner's own session.

    .venv/bin/python bench/pwa_tap.py [--taps 500] [--group 6] [--write]

--write replaces the '## PWA' section of docs/performance.md with the figures.
Targets: tap p95 <= 20 ms; session-screen JavaScript <= 150 KB gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bdc import create_app  # noqa: E402
from tests.e2e.pwa import (  # noqa: E402
    CHROMIUM_ARGS,
    PASSWORD,
    TARGETS,
    Api,
    LiveServer,
    card,
    seed_caseload,
    sign_in,
    start_session,
)

PWA = ROOT / "pwa"
DOC = ROOT / "docs" / "performance.md"
P95_TARGET_MS = 20.0
JS_TARGET_KB = 150.0
IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^;'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]""",
    re.M,
)

# Installed in the page before tapping: wraps the live outbox so each committed write is
# timed, and a capture listener takes each click's input timestamp.
INSTRUMENT = """() => {
  const outbox = window.bdc.outbox;
  const add = outbox.addEvent.bind(outbox);
  window.__taps = [];
  window.__commits = [];
  document.addEventListener('click', (e) => {
    if (e.target.closest('.tap-area')) window.__taps.push(e.timeStamp);
  }, true);
  let waiter = null;
  outbox.addEvent = async (body) => {
    const record = await add(body);
    window.__commits.push(performance.now());
    if (waiter && window.__commits.length >= waiter.n) waiter.resolve();
    return record;
  };
  // Resolves once n writes have committed, without polling the page.
  window.__committed = (n) => window.__commits.length >= n
    ? Promise.resolve()
    : new Promise((resolve) => { waiter = { n, resolve }; });
}"""

# The baseline: one record put into its own database in its own transaction, awaited to
# commit. One is timed right after each tap, so both see the same load on a shared machine.
BASELINE_SETUP = """async () => {
  window.__base = await new Promise((ok, fail) => {
    const r = indexedDB.open('bench-baseline', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('s', { keyPath: 'id' });
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}"""
BASELINE_PUT = """async () => {
  const t0 = performance.now();
  await new Promise((ok, fail) => {
    const tx = window.__base.transaction('s', 'readwrite', { durability: 'relaxed' });
    tx.objectStore('s').put({ id: crypto.randomUUID(), t: new Date().toISOString(), data: {} });
    tx.oncomplete = ok;
    tx.onerror = () => fail(tx.error);
  });
  return performance.now() - t0;
}"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def session_js() -> list[Path]:
    """Every module reachable from js/app.js through static imports."""
    seen: list[Path] = []
    todo = [PWA / "js" / "app.js"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.append(path)
        for m in IMPORT.finditer(path.read_text()):
            spec = m.group(1) or m.group(2)
            todo.append((path.parent / spec).resolve())
    return sorted(seen)


def gzip_kb(paths: list[Path]) -> tuple[float, float]:
    """(sum of per-file gzip sizes, as each is served; raw size), in KB."""
    served = sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths)
    raw = sum(p.stat().st_size for p in paths)
    return served / 1024, raw / 1024


def add_classmates(caseload, n: int, targets: list[dict]) -> None:
    """``n`` more clients with these targets, on the technician's caseload."""
    admin = Api(caseload.base).login("bench-admin")
    for i in range(n):
        client = admin.ok(
            "POST",
            "/clients",
            {"code": f"G-{i}", "name": f"Learner {i + 2}", "date_of_birth": "2018-01-01"},
        )
        admin.ok(
            "POST",
            f"/clients/{client['id']}/assignments",
            {"user_id": caseload.users["technician"]["id"]},
        )
        for spec in targets:
            admin.ok("POST", f"/clients/{client['id']}/targets", spec)


def start_group(page, names: list[str]) -> list:
    """Start a group of these learners; their frequency tap areas."""
    size = len(names)
    page.get_by_role("button", name=names[-1]).wait_for()  # the caseload is in
    page.get_by_role("button", name="Group session").click()
    for name in names:
        page.locator(".check-row", has_text=f"{name} ·").locator("input").check()
    page.get_by_role("button", name="Start group").click()
    page.wait_for_url("**/#/group/*")
    learners = page.locator("section.learner")
    learners.nth(size - 1).wait_for()
    return [
        learners.nth(i)
        .locator("section.card", has=page.get_by_role("heading", name="Hitting", exact=True))
        .locator(".tap-area")
        for i in range(size)
    ]


def measure(taps: int, gap_ms: int, group: int = 0, small: bool = False) -> dict:
    """Taps in a session of Sam (``group`` 0), or in a group of ``group`` learners: Sam and
    classmates with all his targets, or (``small``) learners with two targets each."""
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bdc-bench-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "ENV": "bench",
            "SECRET_KEY": "bench",
        }
    )
    app.instance_path = str(folder)
    with app.app_context():
        from flask_migrate import upgrade

        from bdc.extensions import db
        from bdc.services import accounts

        upgrade()
        accounts.create_user(username="bench-admin", password=PASSWORD, role="admin")
        db.session.commit()

    with LiveServer(app) as live, sync_playwright() as p:
        caseload = seed_caseload(live.url, "bench-admin", PASSWORD)
        targets = TARGETS[:2] if small else TARGETS
        add_classmates(caseload, group if small else max(group - 1, 0), targets)
        names = [f"Learner {i + 2}" for i in range(group if small else group - 1)]
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        sign_in(page, live.url, caseload.users["technician"]["username"])
        if group > 1:
            areas = start_group(page, names if small else ["Sam Rivera", *names])
        else:
            start_session(page, "Sam Rivera")
            areas = [card(page, "Hitting").locator(".tap-area")]
        page.evaluate(BASELINE_SETUP)
        for _ in range(20):
            page.evaluate(BASELINE_PUT)  # warm-up
        page.evaluate(INSTRUMENT)
        baseline = []
        for i in range(taps):
            # Round the learners, scrolling to each as a person would: the pause between taps
            # falls after the scroll, before the tap.
            area = areas[i % len(areas)]
            area.evaluate("el => el.scrollIntoView({block: 'center'})")
            box = area.bounding_box()
            if gap_ms:
                page.wait_for_timeout(gap_ms)
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.evaluate("n => window.__committed(n)", i + 1)
            baseline.append(page.evaluate(BASELINE_PUT))
        tap_ms = page.evaluate("() => window.__commits.map((c, i) => c - window.__taps[i])")
        shown = sum(int(area.locator(".tap-count").text_content()) for area in areas)
        browser.close()
    assert shown == taps, f"the cards show {shown} after {taps} taps"
    return {"tap": tap_ms, "baseline": baseline}


def group_report(size: int, runs: dict[str, dict]) -> str:
    """The lines the group runs add to the section: one table row pair per group shape."""
    rows, verdicts = [], []
    for shape, run in runs.items():
        tap, baseline = run["tap"], run["baseline"]
        t50, t95 = percentile(tap, 50), percentile(tap, 95)
        b50, b95 = percentile(baseline, 50), percentile(baseline, 95)
        rows.append(
            f"| {shape}: tap → committed write | {t50:.2f} ms | {t95:.2f} ms "
            f"| {statistics.fmean(tap):.2f} ms |\n"
            f"| {shape}: baseline put | {b50:.2f} ms | {b95:.2f} ms "
            f"| {statistics.fmean(baseline):.2f} ms |\n"
            f"| {shape}: ratio tap / baseline | {t50 / b50:.2f} | {t95 / b95:.2f} | |"
        )
        ok = "meets" if t95 <= P95_TARGET_MS else "MISSES"
        verdicts.append(f"{shape}: {ok} ({t95:.1f} ms)")
    table = "\n".join(rows)
    return f"""
Group sessions of {size} learners, the same taps going round the learners' frequency cards
(each into that learner's own session, scrolling to the learner's row before each tap): six
learners with all {len(TARGETS)} targets each ({size * len(TARGETS)} cards), and six learners
with two targets each (a typical group):

| figure | p50 | p95 | mean |
| --- | --- | --- | --- |
{table}

Target p95 ≤ {P95_TARGET_MS:.0f} ms in a group: {"; ".join(verdicts)}.
"""


def report(taps: int, gap_ms: int, tap: list[float], baseline: list[float], load: float) -> str:
    js_files = session_js()
    js_gz, js_raw = gzip_kb(js_files)
    css_gz, _ = gzip_kb([PWA / "css" / "app.css"])
    t50, t95 = percentile(tap, 50), percentile(tap, 95)
    b50, b95 = percentile(baseline, 50), percentile(baseline, 95)
    ok_tap = "meets" if t95 <= P95_TARGET_MS else "MISSES"
    ok_js = "meets" if js_gz <= JS_TARGET_KB else "MISSES"
    return f"""## PWA

Measured by `bench/pwa_tap.py` on {date.today().isoformat()} (headless Debian Chromium with
software rendering, 2 cores shared with other work: load average {load:.1f} during the run):
{taps} real mouse taps ({gap_ms} ms apart) on a frequency card during a session with 11 target
cards, with sync running against the real server, each timed from the click's input timestamp
to the commit of its IndexedDB outbox write (the entry is shown only after that commit).
Baseline, same page, interleaved with the taps so both see the same machine load: a bare
IndexedDB put of one record in its own transaction, awaited to commit.

| figure | p50 | p95 | mean |
| --- | --- | --- | --- |
| tap → committed outbox write | {t50:.2f} ms | {t95:.2f} ms | {statistics.fmean(tap):.2f} ms |
| baseline: bare IndexedDB put | {b50:.2f} ms | {b95:.2f} ms | {statistics.fmean(baseline):.2f} ms |
| ratio tap / baseline | {t50 / b50:.2f} | {t95 / b95:.2f} | |

Target p95 ≤ {P95_TARGET_MS:.0f} ms: {ok_tap} ({t95:.1f} ms).
{{group}}
The gap between the two is the input event's trip to the page and a rendering frame that can
fall between the click and the commit; a style change on press (an `:active` effect) makes that
frame longer, so the recording buttons have none: the count changing once the entry is saved
is the feedback. On this shared machine p95 moves by several ms from run to run with the load;
the ratios are steadier.

JavaScript for the session screen: {len(js_files)} ES modules (the whole static import graph of
`js/app.js`; no framework, no bundler), {js_raw:.1f} KB raw, **{js_gz:.1f} KB gzipped** (sum of
per-file gzip, as served). Target ≤ {JS_TARGET_KB:.0f} KB: {ok_js}. The stylesheet adds
{css_gz:.1f} KB gzipped.

Writes use IndexedDB's `relaxed` durability (the browsers' default): a committed entry survives
closing the tab, a reload and a browser crash; only a power loss within the operating system's
write-back window could lose the last entries.
"""


def write_section(section: str) -> None:
    """Replace (or append) the '## PWA' section of docs/performance.md, leaving the rest."""
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(r"^## PWA\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip() + "\n\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=500)
    parser.add_argument(
        "--gap-ms",
        type=int,
        default=100,
        help="pause between taps (100 ms: 10 taps a second, faster than people tap)",
    )
    parser.add_argument(
        "--group", type=int, default=6, help="learners in the group run (0: no group run)"
    )
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    result = measure(args.taps, args.gap_ms)
    grouped = ""
    if args.group > 1:
        runs = {
            f"{args.group} × {len(TARGETS)} cards": measure(args.taps, args.gap_ms, args.group),
            f"{args.group} × 2 cards": measure(args.taps, args.gap_ms, args.group, small=True),
        }
        grouped = group_report(args.group, runs)
    load = (load_before + os.getloadavg()[0]) / 2
    section = report(args.taps, args.gap_ms, result["tap"], result["baseline"], load)
    section = section.replace("{group}", grouped)
    print(section)
    if args.write:
        write_section(section)
        print(f"wrote the '## PWA' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

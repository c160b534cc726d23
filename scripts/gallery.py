"""Render every chart kind and every report page for the demo caseload to PNG in one folder.

    python scripts/gallery.py [--out gallery/] [--today 2026-11-26]

A throwaway SQLite database gets the demo caseload (``bdc.demo.load_demo``); the charts and the
report are then fetched through the real API as the demo BCBA, exactly as the PWA gets them,
and the report's PDF pages are turned into PNGs with ``pdftoppm`` (poppler-utils). Also
rendered: every client chart over a period without data, so the "no data" panels can be seen,
and a brief functional analysis of a target added for it (the demo caseload has none), so the
multielement graph can be seen. Look at the folder before and after changing a chart
(docs/graphs.md).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bdc import create_app  # noqa: E402  (the repository root goes on the path first)
from bdc.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from bdc.extensions import db  # noqa: E402

TARGET_CHARTS = ("line", "celeration", "cumulative")
CLIENT_CHARTS = ("abc", "scatterplot", "multielement", "ioa", "fidelity", "panel")


def _slug(text: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in keep.split("-") if part)[:40]


def _save(out: Path, name: str, response) -> bool:
    if response.status_code != 200:
        return False
    (out / name).write_bytes(response.data)
    return True


def render_gallery(out: Path, today: date, time_zone: str) -> list[str]:
    """Fill ``out`` with PNGs; the names of the files written, in order."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    work = Path(tempfile.mkdtemp(prefix="bdc-gallery-"))
    try:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{work / 'gallery.db'}",
                "SECRET_KEY": "gallery",
                "TIME_ZONE": time_zone,
                "TESTING": True,
            }
        )
        app.instance_path = str(work)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            load_demo(today=today)
            db.session.commit()
        return _fetch_all(app, out, today, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fetch_all(app, out: Path, today: date, work: Path) -> list[str]:
    http = app.test_client()
    login = http.post("/api/v1/auth/login", json={"username": "bcba", "password": DEMO_PASSWORD})
    if login.status_code != 200:
        raise SystemExit(f"cannot sign in as the demo BCBA: {login.status_code}")
    http.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {login.get_json()['token']}"
    _functional_analysis(http, today)
    written: list[str] = []
    empty = {"from": (today + timedelta(days=30)).isoformat()}
    empty["to"] = (today + timedelta(days=60)).isoformat()
    clients = http.get("/api/v1/clients").get_json()
    for client in clients:
        code = client["code"]
        for target in http.get(f"/api/v1/clients/{client['id']}/targets").get_json():
            for chart in TARGET_CHARTS:
                name = f"{code}-{_slug(target['name'])}-{chart}.png"
                url = f"/api/v1/targets/{target['id']}/graph.png"
                if _save(out, name, http.get(url, query_string={"chart": chart})):
                    written.append(name)
                    blank = f"empty-{_slug(target['name'])}-{chart}.png"
                    query = {"chart": chart, **empty}
                    if client is clients[0] and _save(
                        out, blank, http.get(url, query_string=query)
                    ):
                        written.append(blank)
        for kind in CLIENT_CHARTS:
            url = f"/api/v1/clients/{client['id']}/charts/{kind}.png"
            if _save(out, f"{code}-{kind}.png", http.get(url)):
                written.append(f"{code}-{kind}.png")
            if client is clients[0] and _save(
                out, f"empty-{kind}.png", http.get(url, query_string=empty)
            ):
                written.append(f"empty-{kind}.png")
        pdf = http.get(f"/api/v1/clients/{client['id']}/report.pdf?panel=true")
        if pdf.status_code == 200:
            path = work / f"{code}.pdf"
            path.write_bytes(pdf.data)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "100", str(path), str(out / f"{code}-report")],
                check=True,
            )
            written += sorted(p.name for p in out.glob(f"{code}-report*.png"))
    return written


# A multielement FA as run in a clinic: five conditions in a fixed rotation, three 10-minute
# sessions a day; aggression is high in attention (attention-maintained) and low elsewhere.
FA_ROTATION = ("play", "attention", "escape", "tangible", "alone")
FA_RATE = {"attention": 9, "escape": 2, "tangible": 1, "alone": 0.5, "play": 0.5}


def _functional_analysis(http, today: date) -> None:
    """A target "Aggression (FA)" for the first demo client and 15 FA sessions on it, sent
    through /sync as the BCBA's tablet would."""
    rng = random.Random(12)
    client = http.get("/api/v1/clients").get_json()[0]
    target = http.post(
        f"/api/v1/clients/{client['id']}/targets",
        json={
            "name": "Aggression (FA)",
            "measurement": "frequency",
            "direction": "decrease",
            "definition": "Hitting, kicking or pushing an adult, each instance counted.",
        },
    ).get_json()
    batch: dict[str, list] = {"sessions": [], "events": []}
    first = today - timedelta(days=12)
    for n in range(15):
        day, slot = first + timedelta(days=n // 3), n % 3
        start = datetime.combine(day, time(15, 0), tzinfo=UTC) + timedelta(minutes=25 * slot)
        condition = FA_ROTATION[n % len(FA_ROTATION)]
        session_id = str(uuid.uuid4())
        batch["sessions"].append(
            {
                "id": session_id,
                "client_id": client["id"],
                "started_at": start.isoformat(),
                "ended_at": (start + timedelta(minutes=10)).isoformat(),
                "target_ids": [target["id"]],
                "fa_condition": condition,
            }
        )
        count = max(0, round(rng.gauss(FA_RATE[condition], 1.2)))
        for k in range(count):
            batch["events"].append(
                {
                    "id": str(uuid.uuid4()),
                    "session_id": session_id,
                    "target_id": target["id"],
                    "kind": "count",
                    "t": (start + timedelta(seconds=20 + 30 * k)).isoformat(),
                    "data": {},
                }
            )
    answer = http.post("/api/v1/sync", json=batch).get_json()
    if answer["rejected"]:
        raise SystemExit(f"the gallery's FA sessions were refused: {answer['rejected'][:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "gallery")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    # the demo's sessions start between 14:00 and 17:00 UTC: mornings in a US clinic
    parser.add_argument("--time-zone", default="America/Chicago")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm not found: install poppler-utils (make system-deps)")
    written = render_gallery(args.out, args.today, args.time_zone)
    print(f"Wrote {len(written)} images to {args.out}")


if __name__ == "__main__":
    main()

"""Serves the PWA's static files from ``pwa/`` at the site root."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory

web = Blueprint("web", __name__)

# The service worker must always be revalidated, or a stale one can pin an old app shell.
NO_CACHE = {"sw.js", "index.html", "manifest.webmanifest"}


@web.get("/")
@web.get("/<path:path>")
def static_file(path: str = "index.html"):
    if path.startswith("api/"):
        abort(404)
    response = send_from_directory(current_app.config["PWA_DIR"], path, max_age=0)
    if path in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    return response

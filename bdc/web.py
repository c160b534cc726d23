"""Serves the PWA's static files from ``pwa/`` at the site root."""

from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory
from werkzeug.routing import PathConverter

web = Blueprint("web", __name__)


class PwaPathConverter(PathConverter):
    """Any path outside /api/, so an API path never matches the PWA (a wrong method on an API
    route is a 405 whose Allow header lists the API's methods, not GET)."""

    regex = r"(?!api/)[^/].*?"


# The service worker must always be revalidated, or a stale one can pin an old app shell.
NO_CACHE = {"sw.js", "index.html", "manifest.webmanifest"}


@web.get("/")
@web.get("/<pwa_path:path>")
def static_file(path: str = "index.html"):
    response = send_from_directory(current_app.config["PWA_DIR"], path, max_age=0)
    if path in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    return response

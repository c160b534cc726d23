"""HTTP hardening on every response and request: security headers, request body limits.

docs/security.md lists the OWASP ASVS 5.0 level 2 requirements these meet, with their tests.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

# The PWA is plain ES modules from this origin: no inline script or style, no eval, no
# plugins, and nobody may frame it (clickjacking). One policy for every response.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The session screen keeps the display awake; nothing else of the browser's is needed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), screen-wake-lock=(self)"
)
EVERY_RESPONSE = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def _security_headers(response):
    for name, value in EVERY_RESPONSE.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/") and "no-store" not in response.headers.get(
        "Cache-Control", ""
    ):
        # API answers carry PHI: never kept by a browser, a proxy or a shared cache.
        response.headers["Cache-Control"] = "no-store"
    if current_app.config["ENV"] == "production":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _limit_request_body():
    """Refuse a body of MAX_CONTENT_LENGTH or more before the rest of it is read.

    A declared length is checked at once. A chunked body has none, so it is read here up to
    the limit and no further (werkzeug stops there), and views then find it cached; a body
    that reaches the limit is refused rather than silently cut short.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    too_large = RequestEntityTooLarge(f"A request body must be smaller than {limit} bytes.")
    declared = request.content_length
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if declared is not None and declared >= limit:
        raise too_large
    if declared is None and chunked and len(request.get_data(cache=True)) >= limit:
        raise too_large


def harden(app: Flask) -> None:
    app.before_request(_limit_request_body)
    app.after_request(_security_headers)

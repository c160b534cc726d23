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
    """Refuse a body over MAX_CONTENT_LENGTH before any of it is read.

    A declared length is checked at once. A chunked body has none, so it is read here, up to
    the limit and no further (werkzeug's limited stream raises 413 on the first byte past it),
    and views then find it cached.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None:
        if request.content_length > limit:
            raise RequestEntityTooLarge(f"A request body may hold at most {limit} bytes.")
    elif "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        try:
            request.get_data(cache=True)
        except RequestEntityTooLarge:
            raise RequestEntityTooLarge(f"A request body may hold at most {limit} bytes.") from None


def harden(app: Flask) -> None:
    app.before_request(_limit_request_body)
    app.after_request(_security_headers)

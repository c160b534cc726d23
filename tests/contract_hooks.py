"""schemathesis hooks for tests/contract.py: sign in as the role under test.

Every operation shares one bearer token, except ``POST /auth/logout``, which revokes the token
it is sent with and so gets a fresh one each time.
"""

from __future__ import annotations

import json
import os
import urllib.request

import schemathesis


def _sign_in() -> str:
    body = json.dumps(
        {
            "username": os.environ["BDC_CONTRACT_USERNAME"],
            "password": os.environ["BDC_CONTRACT_PASSWORD"],
        }
    ).encode()
    request = urllib.request.Request(
        f"{os.environ['BDC_CONTRACT_BASE']}/api/v1/auth/login",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["token"]


@schemathesis.auth(refresh_interval=None)
class BearerToken:
    def __init__(self) -> None:
        self.shared: str | None = None

    def get(self, case, context):
        if context.operation.path.endswith("/auth/logout"):
            return _sign_in()
        if self.shared is None:
            self.shared = _sign_in()
        return self.shared

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

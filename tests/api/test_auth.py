"""Sign-in, tokens, expiry, logout, throttling (issue #3 "Accounts and permissions")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bdc import create_app
from bdc.extensions import db
from bdc.models import AuditEntry, AuthToken, LoginFailure
from bdc.models.base import utcnow
from tests.conftest import PASSWORD


def test_login_answers_token_user_and_strict_httponly_cookie(http, make):
    user = make.user("bcba", username="bcba.one")
    answer = http.post("/api/v1/auth/login", json={"username": "bcba.one", "password": PASSWORD})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["user"]["username"] == "bcba.one" and body["user"]["role"] == "bcba"
    assert "password" not in body["user"] and "password_hash" not in body["user"]
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["id"] == user.id


def test_token_is_stored_only_as_a_hash(http, make):
    token = make.login(make.user())["Authorization"].split()[1]
    stored = db.session.scalars(select(AuthToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


def test_cookie_alone_authenticates_the_pwa(ctx, make):
    browser = ctx.test_client()  # keeps cookies, like the PWA
    make.user(username="tech.cookie")
    browser.post("/api/v1/auth/login", json={"username": "tech.cookie", "password": PASSWORD})
    assert browser.get("/api/v1/me").status_code == 200
    assert browser.post("/api/v1/auth/logout").status_code == 204
    assert browser.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_user_get_the_same_answer(http, make):
    make.user(username="real.user")
    wrong = http.post("/api/v1/auth/login", json={"username": "real.user", "password": "nope"})
    unknown = http.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()


def test_logout_revokes_the_token(http, make):
    headers = make.login(make.user())
    assert http.post("/api/v1/auth/logout", headers=headers).status_code == 204
    answer = http.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "unauthorized"


def test_idle_token_expires_after_30_minutes(http, make):
    headers = make.login(make.user())
    assert http.get("/api/v1/me", headers=headers).status_code == 200
    token = db.session.scalars(select(AuthToken)).one()
    token.last_used_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert http.get("/api/v1/me", headers=headers).status_code == 401


def test_token_expires_after_12_hours_even_when_used(http, make):
    headers = make.login(make.user())
    token = db.session.scalars(select(AuthToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert http.get("/api/v1/me", headers=headers).status_code == 401


def test_deactivated_user_is_signed_out(http, make):
    user = make.user()
    headers = make.login(user)
    user.active = False
    db.session.commit()
    assert http.get("/api/v1/me", headers=headers).status_code == 401


def _sign_in(http, username, password, address="10.0.0.1", **kwargs):
    return http.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        **kwargs,
    )


def _age_failures(seconds: float) -> None:
    """Move every recorded failure back in time, as if the clock had run on."""
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at = failure.at - timedelta(seconds=seconds)
    db.session.commit()


def test_failures_are_throttled_per_account_and_address_with_backoff(http, make):
    make.user(username="target.user")
    for _ in range(5):
        assert _sign_in(http, "target.user", "wrong").status_code == 401
    throttled = _sign_in(http, "target.user", PASSWORD)
    assert throttled.status_code == 429
    first_wait = int(throttled.headers["Retry-After"])
    assert 0 < first_wait <= 30
    _age_failures(first_wait)
    assert _sign_in(http, "target.user", "wrong").status_code == 401  # after the wait: one try
    second_wait = int(_sign_in(http, "target.user", PASSWORD).headers["Retry-After"])
    assert second_wait > first_wait  # each further failure doubles the wait
    _age_failures(second_wait)
    assert _sign_in(http, "target.user", PASSWORD).status_code == 200


def test_nobody_can_lock_someone_else_out(http, make):
    make.user(username="victim")
    # Many wrong passwords for the victim's name from another address...
    for _ in range(30):
        _sign_in(http, "victim", "guess", address="203.0.113.66")
    assert _sign_in(http, "victim", "guess", address="203.0.113.66").status_code == 429
    # ...and many usernames from the victim's own address (a clinic's tablets share one)...
    for i in range(30):
        _sign_in(http, f"guess{i}", "x", address="10.0.0.1")
    # ...and the victim still signs in from their tablet.
    assert _sign_in(http, "victim", PASSWORD, address="10.0.0.1").status_code == 200


@pytest.fixture
def behind_proxy(app):
    """The same app behind one trusted reverse proxy (BDC_TRUSTED_PROXIES=1)."""
    proxied = create_app({**_settings(app), "TRUSTED_PROXIES": 1})
    with proxied.app_context():
        yield proxied.test_client(use_cookies=False)


def _settings(app) -> dict:
    keys = ("DATABASE_URL", "ENV", "SECRET_KEY", "PASSWORD_HASH_METHOD", "TESTING")
    return {key: app.config[key] for key in keys}


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(ctx, make, behind_proxy):
    make.user(username="tablet.user")
    proxy = "127.0.0.1"  # every request reaches bdc from the proxy's address
    for _ in range(8):
        _sign_in(
            behind_proxy, "tablet.user", "wrong", proxy, headers={"X-Forwarded-For": "198.51.100.7"}
        )
    from_attacker = _sign_in(
        behind_proxy, "tablet.user", PASSWORD, proxy, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert from_attacker.status_code == 429
    from_clinic = _sign_in(
        behind_proxy, "tablet.user", PASSWORD, proxy, headers={"X-Forwarded-For": "10.1.2.3"}
    )
    assert from_clinic.status_code == 200
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login")).one()
    assert entry.address == "10.1.2.3"


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(http, make):
    make.user(username="tablet.user")
    for i in range(8):  # a client cannot dodge the throttle by inventing addresses
        forged = {"X-Forwarded-For": f"192.0.2.{i}"}
        _sign_in(http, "tablet.user", "wrong", "10.0.0.5", headers=forged)
    answer = _sign_in(
        http, "tablet.user", PASSWORD, "10.0.0.5", headers={"X-Forwarded-For": "192.0.2.99"}
    )
    assert answer.status_code == 429


def test_login_rejects_bad_bodies_with_field_messages(http):
    answer = http.post("/api/v1/auth/login", json={"username": "x", "pasword": "typo"})
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert "password" in fields and "pasword" in fields
    assert http.post("/api/v1/auth/login", data="not json").status_code in (400, 415, 422)

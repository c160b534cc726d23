"""Sign-in, tokens, expiry, logout, throttling (issue #3 "Accounts and permissions")."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bdc.extensions import db
from bdc.models import AuthToken
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


def test_repeated_failures_are_throttled_per_account(http, make):
    make.user(username="target.user")
    for _ in range(5):
        bad = {"username": "target.user", "password": "wrong"}
        assert http.post("/api/v1/auth/login", json=bad).status_code == 401
    right = {"username": "target.user", "password": PASSWORD}
    throttled = http.post("/api/v1/auth/login", json=right)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    # Another account from another address is not affected.
    make.user(username="other.user")
    other = http.post(
        "/api/v1/auth/login",
        json={"username": "other.user", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 200


def test_repeated_failures_are_throttled_per_address(http, make):
    make.user(username="victim")
    for i in range(20):
        http.post("/api/v1/auth/login", json={"username": f"guess{i}", "password": "x"})
    answer = http.post("/api/v1/auth/login", json={"username": "victim", "password": PASSWORD})
    assert answer.status_code == 429


def test_login_rejects_bad_bodies_with_field_messages(http):
    answer = http.post("/api/v1/auth/login", json={"username": "x", "pasword": "typo"})
    assert answer.status_code == 422
    fields = answer.get_json()["error"]["fields"]
    assert "password" in fields and "pasword" in fields
    assert http.post("/api/v1/auth/login", data="not json").status_code in (400, 415, 422)

"""Sign-in, sign-out and user accounts."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, timedelta

from flask import current_app
from flask_smorest import abort
from sqlalchemy import func, select

from bdc import audit
from bdc.auth import check_id, hash_password, issue_token, verify_password
from bdc.extensions import db
from bdc.models import AuthToken, LoginFailure, User
from bdc.models.base import utcnow

BAD_LOGIN = "Wrong username or password."


def _pair_key(username: str, address: str | None) -> str:
    """The throttle's key: one username from one address (hashed: any length, no names kept)."""
    pair = f"{username.strip().lower()}\n{address or '?'}".encode()
    return f"pair:{hashlib.sha256(pair).hexdigest()}"


def _locked_for(key: str, now) -> int:
    """Seconds before ``key`` may try again (0: now).

    Up to LOGIN_MAX_FAILURES failures in the window cost nothing; each one after that doubles
    the wait after the latest failure (30 s, 60 s, 120 s, ... up to the window).
    """
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    count, latest = db.session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.key == key, LoginFailure.at >= now - window
        )
    ).one()
    beyond = count - config["LOGIN_MAX_FAILURES"]
    if beyond < 0:
        return 0
    wait = min(timedelta(seconds=config["LOGIN_BACKOFF_SECONDS"] * 2**beyond), window)
    latest = latest.replace(tzinfo=UTC) if latest.tzinfo is None else latest
    return max(0, math.ceil((latest + wait - now).total_seconds()))


def login(username: str, password: str, address: str | None) -> tuple[str, AuthToken]:
    """Check the password, throttling repeated failures of one username from one address.

    Keyed on the pair, so wrong passwords typed for someone else's username, or from someone
    else's address (a clinic's tablets share one), never lock that person out. The message is
    the same whether or not the username exists. Failures are committed even though the
    request fails, since a throttle that forgets its failures throttles nothing.
    """
    now = utcnow()
    key = _pair_key(username, address)
    wait = _locked_for(key, now)
    if wait:
        abort(
            429,
            message="Too many failed sign-ins. Try again in a few minutes.",
            headers={"Retry-After": str(wait)},
        )
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if not verify_password(user, password):
        db.session.add(LoginFailure(key=key, at=now))
        db.session.commit()
        abort(401, message=BAD_LOGIN)
    db.session.execute(LoginFailure.__table__.delete().where(LoginFailure.key == key))
    raw, token = issue_token(user)
    audit.record("login", "user", resource_id=user.id, user_id=user.id)
    return raw, token


def logout(token: AuthToken) -> None:
    token.revoked_at = utcnow()
    audit.record("logout", "user", resource_id=token.user_id)


def create_user(
    *, username: str, password: str, role: str, display_name: str = "", active: bool = True
) -> User:
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        abort(409, message="That username is taken.", fields={"username": ["Already in use."]})
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name or username,
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", resource_id=user.id)
    return user


def update_user(user: User, changes: dict) -> User:
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
        # A new password ends every existing sign-in.
        db.session.execute(
            AuthToken.__table__.update()
            .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    for key, value in changes.items():
        setattr(user, key, value)
    audit.record("update", "user", resource_id=user.id, detail={"fields": sorted(changes)})
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def user_or_404(user_id: str) -> User:
    user_id = check_id(user_id)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, message="No such user.")
    return user

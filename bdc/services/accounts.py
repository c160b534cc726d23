"""Sign-in, sign-out and user accounts."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_smorest import abort
from sqlalchemy import func, select

from bdc import audit
from bdc.auth import check_id, hash_password, issue_token, verify_password
from bdc.extensions import db
from bdc.models import AuthToken, LoginFailure, User
from bdc.models.base import utcnow

BAD_LOGIN = "Wrong username or password."


def _failures_since(key: str, since) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.key == key, LoginFailure.at >= since)
    )


def login(username: str, password: str, address: str | None) -> tuple[str, AuthToken]:
    """Check the password, throttling repeated failures per account and per address.

    The message is the same whether or not the username exists. Failures are committed even
    though the request fails, since a throttle that forgets its failures throttles nothing.
    """
    config = current_app.config
    now = utcnow()
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    user_key = f"user:{username.strip().lower()}"
    addr_key = f"addr:{address or '?'}"
    if (
        _failures_since(user_key, now - window) >= config["LOGIN_MAX_FAILURES_PER_USER"]
        or _failures_since(addr_key, now - window) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        abort(
            429,
            message="Too many failed sign-ins. Try again in a few minutes.",
            headers={"Retry-After": str(int(window.total_seconds()))},
        )
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if not verify_password(user, password):
        db.session.add_all([LoginFailure(key=user_key, at=now), LoginFailure(key=addr_key, at=now)])
        db.session.commit()
        abort(401, message=BAD_LOGIN)
    db.session.execute(LoginFailure.__table__.delete().where(LoginFailure.key == user_key))
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

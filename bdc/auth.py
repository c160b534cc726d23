"""Passwords, tokens, roles, and who may touch which client.

Rules (DESIGN.md, issue #3):

- technicians and therapists see the clients assigned to them;
- BCBAs see their caseload and may edit its targets, phases, plans and assignments;
- directors and admins see every client (and may edit);
- only admins manage user accounts; directors and admins read the audit trail;
- caregivers are linked to their own children (an assignment, made by a BCBA, director or
  admin) and may call only the routes in ``CAREGIVER_ROUTES``: their child, its targets'
  data, summaries and graphs, the progress report, and sync of home-recordable targets
  (docs/caregivers.md). Every other route answers 404 when it names a client, target, plan,
  session, incident or note, and 403 otherwise.

Anything outside a caller's rights answers 404 so that existence never leaks; 403 is kept
for a client the caller can see but an action the caller's role does not allow.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, request
from flask_smorest import abort
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from bdc.extensions import db
from bdc.models import Assignment, AuthToken, Client, Target, User
from bdc.models.base import utcnow
from bdc.session_scope import at_commit

COOKIE_NAME = "bdc_session"
# Over TLS the cookie is bound to this exact host and path (RFC 6265bis "__Host-" prefix):
# no subdomain can set or overwrite it.
SECURE_COOKIE_NAME = "__Host-bdc_session"
SEES_ALL = frozenset({"director", "admin"})
EDITS_PROGRAMS = frozenset({"bcba", "director", "admin"})
READS_AUDIT = frozenset({"director", "admin"})
CAREGIVER = "caregiver"
# The one list of what a caregiver may call: (method, rule with converters stripped).
CAREGIVER_ROUTES = frozenset(
    {
        ("GET", "/api/v1/me"),
        ("PUT", "/api/v1/me/language"),  # families read the app in their language
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/clients"),
        ("GET", "/api/v1/clients/<client_id>"),
        ("GET", "/api/v1/clients/<client_id>/targets"),
        ("GET", "/api/v1/clients/<client_id>/report.pdf"),
        ("GET", "/api/v1/targets/<target_id>"),
        ("GET", "/api/v1/targets/<target_id>/phases"),
        ("GET", "/api/v1/targets/<target_id>/data"),
        ("GET", "/api/v1/targets/<target_id>/summary"),
        ("GET", "/api/v1/targets/<target_id>/graph.png"),
        ("GET", "/api/v1/targets/<target_id>/graph.svg"),
        ("GET", "/api/v1/clients/<client_id>/shared-notes"),  # what a BCBA shared
        ("POST", "/api/v1/sync"),
    }
)
# A route naming one of these is client-scoped: refusing it must not reveal that the row exists.
SCOPED_PARAMS = frozenset(
    {"client_id", "target_id", "plan_id", "session_id", "incident_id", "note_id"}
)
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
# Refreshing last_used_at on every request would turn every read into a write.
_TOUCH_EVERY = timedelta(seconds=60)
# A fixed hash to compare against when the username is unknown, so timing does not reveal it.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(user: User | None, password: str) -> bool:
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return user.active and check_password_hash(user.password_hash, password)


def _digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, AuthToken]:
    """Create a sign-in for ``user``; the raw token is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    hours = current_app.config["TOKEN_ABSOLUTE_HOURS"]
    token = AuthToken(
        user=user,
        token_hash=_digest(raw),
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.session.add(token)
    return raw, token


def _raw_token_from_request() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(cookie_name())


def cookie_name() -> str:
    """The session cookie's name: ``__Host-`` prefixed whenever it is Secure."""
    return SECURE_COOKIE_NAME if current_app.config["COOKIE_SECURE"] else COOKIE_NAME


def token_is_live(token: AuthToken, now: datetime) -> bool:
    idle = timedelta(minutes=current_app.config["TOKEN_IDLE_MINUTES"])
    return (
        token.revoked_at is None
        and now < token.expires_at
        and now - token.last_used_at < idle
        and token.user.active
    )


# every request needs both (one query), and the statement is built once
_TOKEN_WITH_USER = (
    select(AuthToken)
    .where(AuthToken.token_hash == bindparam("digest"))
    .options(joinedload(AuthToken.user))
)


def authenticate() -> None:
    """Resolve the caller from the bearer token or cookie into ``g.user`` (401 otherwise)."""
    raw = _raw_token_from_request()
    if not raw:
        abort(401, message="Sign in to continue.")
    token = db.session.scalar(_TOKEN_WITH_USER, {"digest": _digest(raw)})
    now = utcnow()
    if token is None or not token_is_live(token, now):
        abort(401, message="Please sign in again.")
    if now - token.last_used_at > _TOUCH_EVERY:
        at_commit(lambda: setattr(token, "last_used_at", now))
    g.user = token.user
    g.token = token
    check_route_allowed(token.user)


def route_key(method: str, rule: str) -> tuple[str, str]:
    """``(method, rule)`` with URL converters stripped (``<uuid:client_id>`` -> ``<client_id>``)."""
    return method, _CONVERTER.sub(r"<\1>", rule)


def check_route_allowed(user: User) -> None:
    """The one rule on which routes a role may call at all (today: caregivers' list).

    Runs for every signed-in API request, before the view; the view's own checks (caseload,
    role) still apply to the routes that pass.
    """
    if user.role != CAREGIVER or request.url_rule is None:
        return
    if route_key(request.method, request.url_rule.rule) in CAREGIVER_ROUTES:
        return
    if SCOPED_PARAMS & set(request.view_args or {}):
        abort(404, message="Not found.")
    abort(403, message="Your role does not allow this.")


def current_user() -> User:
    return g.user


def require_role(user: User, allowed: frozenset[str]) -> None:
    if user.role not in allowed:
        abort(403, message="Your role does not allow this.")


def visible_client_ids(user: User):
    """A select of the client ids ``user`` may see, for use in ``IN (...)`` filters."""
    if user.role in SEES_ALL:
        return select(Client.id)
    return select(Assignment.client_id).where(Assignment.user_id == user.id)


_IDS = bindparam("ids", expanding=True)
_EXISTING = select(Client.id).where(Client.id.in_(_IDS))
_ASSIGNED = select(Assignment.client_id).where(
    Assignment.client_id.in_(_IDS), Assignment.user_id == bindparam("user")
)


def visible_among(user: User, client_ids: Iterable[str]) -> set[str]:
    """The ids among ``client_ids`` of clients ``user`` may see (statements built once: sync
    asks for every session it is sent)."""
    ids = sorted(set(client_ids))
    if not ids:
        return set()
    if user.role in SEES_ALL:
        return set(db.session.scalars(_EXISTING, {"ids": ids}))
    return set(db.session.scalars(_ASSIGNED, {"ids": ids, "user": user.id}))


def can_see_client(user: User, client_id: str) -> bool:
    if user.role in SEES_ALL:
        return db.session.get(Client, client_id) is not None
    return (
        db.session.scalar(
            select(Assignment.id).where(
                Assignment.user_id == user.id, Assignment.client_id == client_id
            )
        )
        is not None
    )


def check_id(value: str, field: str = "id") -> str:
    """A malformed id in a URL is a client mistake worth naming (422), not a missing row."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        abort(422, message="Malformed id.", fields={field: ["Not a valid UUID."]})


def client_or_404(user: User, client_id: str) -> Client:
    client_id = check_id(client_id)
    client = db.session.get(Client, client_id)
    if client is None or not can_see_client(user, client_id):
        abort(404, message="No such client.")
    return client


def target_or_404(user: User, target_id: str) -> Target:
    target_id = check_id(target_id)
    target = db.session.get(Target, target_id)
    if target is None or not can_see_client(user, target.client_id):
        abort(404, message="No such target.")
    return target


def may_record_target(user: User, home_recordable: bool) -> bool:
    """Caregivers record only targets a BCBA marked home-recordable; staff record any target."""
    return user.role != CAREGIVER or home_recordable


def recording_problem(
    user: User, session: dict, targets: Mapping[str, Mapping[str, Any]]
) -> str | None:
    """Why ``user`` may not record this synced session (None: they may); ``targets``: target
    id -> its row (``home_recordable`` read).

    A caregiver records primary observation sessions of home-recordable targets only; the
    caseload check (the client is theirs) is made by the caller through ``visible_among``.
    """
    if user.role != CAREGIVER:
        return None
    if session["kind"] != "observation" or session["role"] != "primary":
        return "caregivers record primary observation sessions only"
    if session.get("group_id"):
        return "caregivers record one child at a time, not group sessions"
    for target_id in session["target_ids"]:
        target = targets.get(str(target_id))
        if target is None or not may_record_target(user, target["home_recordable"]):
            return f"target {target_id} is not marked home-recordable"
    return None


def may_report_incidents(user: User) -> bool:
    """Critical incidents are staff reports; caregivers tell the BCBA instead."""
    return user.role != CAREGIVER


def require_edit(user: User) -> None:
    """Editing targets, phases, plans and caseloads is for BCBAs, directors and admins."""
    require_role(user, EDITS_PROGRAMS)

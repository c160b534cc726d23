"""A user's own language (issue 14): set by the user, shown by GET /me, only languages the app
has a catalogue for."""

from __future__ import annotations

from bdc.extensions import db
from bdc.models import AuditEntry, User


def test_a_user_sets_their_own_language(http, make):
    user = make.user("technician")
    auth = make.login(user)
    assert http.get("/api/v1/me", headers=auth).get_json()["language"] is None
    answer = http.put("/api/v1/me/language", json={"language": "es"}, headers=auth)
    assert answer.status_code == 200 and answer.get_json()["language"] == "es"
    assert http.get("/api/v1/me", headers=auth).get_json()["language"] == "es"
    assert db.session.get(User, user.id).language == "es"
    assert db.session.query(AuditEntry).filter_by(resource_id=user.id, action="update").count() == 1
    cleared = http.put("/api/v1/me/language", json={"language": None}, headers=auth)
    assert cleared.get_json()["language"] is None


def test_unknown_or_malformed_languages_are_refused_with_field_messages(http, make):
    auth = make.login(make.user())
    for bad in ["xx", "EN", "es-MX; drop", 3]:
        answer = http.put("/api/v1/me/language", json={"language": bad}, headers=auth)
        assert answer.status_code == 422, bad
        assert "language" in answer.get_json()["error"]["fields"]
    missing = http.put("/api/v1/me/language", json={}, headers=auth)
    assert missing.status_code == 422


def test_signing_in_is_needed(http):
    assert http.put("/api/v1/me/language", json={"language": "es"}).status_code == 401

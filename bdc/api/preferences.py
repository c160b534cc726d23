"""The signed-in user's own preferences: PUT /me/language."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import protected_blueprint
from bdc.api.preferences_schemas import LanguageSchema
from bdc.api.schemas import UserSchema
from bdc.services import preferences

blp = protected_blueprint("preferences", __name__, "The user's own preferences")


@blp.route("/me/language")
class MyLanguage(MethodView):
    @blp.arguments(LanguageSchema)
    @blp.response(200, UserSchema)
    def put(self, body):
        """Set the language the app shows the signed-in user (null: the device's own)."""
        return preferences.set_language(g.user, body["language"])

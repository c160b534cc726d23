"""User accounts (admins only)."""

from __future__ import annotations

from flask import g
from flask.views import MethodView

from bdc.api.base import protected_blueprint
from bdc.api.schemas import UserSchema, UserUpdateSchema
from bdc.auth import require_role
from bdc.services import accounts

blp = protected_blueprint("users", __name__, "Staff accounts (admins only)")
ADMINS = frozenset({"admin"})


@blp.route("/users")
class Users(MethodView):
    @blp.response(200, UserSchema(many=True))
    def get(self):
        require_role(g.user, ADMINS)
        return accounts.list_users()

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, fields):
        require_role(g.user, ADMINS)
        return accounts.create_user(**fields)


@blp.route("/users/<uuid:user_id>")
class OneUser(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        require_role(g.user, ADMINS)
        return accounts.user_or_404(user_id)

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, changes, user_id):
        require_role(g.user, ADMINS)
        return accounts.update_user(accounts.user_or_404(user_id), changes)

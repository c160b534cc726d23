"""Sign in, sign out, and who am I."""

from __future__ import annotations

from flask import after_this_request, current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from bdc.api.schemas import LoginAnswerSchema, LoginSchema, UserSchema
from bdc.auth import COOKIE_NAME, authenticate
from bdc.services import accounts

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Sign-in and tokens")


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, LoginAnswerSchema)
    def post(self, credentials):
        """Sign in: a bearer token for scripts and an HttpOnly cookie for the PWA."""
        raw, token = accounts.login(
            credentials["username"], credentials["password"], request.remote_addr
        )

        @after_this_request
        def _set_cookie(response):
            response.set_cookie(
                COOKIE_NAME,
                raw,
                max_age=current_app.config["TOKEN_ABSOLUTE_HOURS"] * 3600,
                httponly=True,
                samesite="Strict",
                secure=current_app.config["COOKIE_SECURE"],
                path="/",
            )
            return response

        return {"token": raw, "expires_at": token.expires_at, "user": token.user}


@blp.route("/auth/logout")
class Logout(MethodView):
    @blp.response(204)
    def post(self):
        """Revoke the current token and clear the cookie."""
        authenticate()
        accounts.logout(g.token)

        @after_this_request
        def _clear_cookie(response):
            response.delete_cookie(COOKIE_NAME, path="/", samesite="Strict", httponly=True)
            return response


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user."""
        authenticate()
        return g.user

"""Sign in, sign out, and who am I."""

from __future__ import annotations

from flask import after_this_request, current_app, g, request
from flask.views import MethodView

from bdc.api.base import public_blueprint
from bdc.api.schemas import LoginAnswerSchema, LoginSchema, UserSchema
from bdc.auth import authenticate, cookie_name
from bdc.services import accounts

blp = public_blueprint("auth", __name__, "Sign-in and tokens")


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
                cookie_name(),
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
            response.delete_cookie(
                cookie_name(),
                path="/",
                samesite="Strict",
                httponly=True,
                secure=current_app.config["COOKIE_SECURE"],
            )
            return response


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user."""
        authenticate()
        return g.user

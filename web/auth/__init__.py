"""Sign-in and sign-out (the access rules themselves are in web/access.py)."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="../templates")

from web.auth import routes  # noqa: E402,F401  (registers the views on bp)

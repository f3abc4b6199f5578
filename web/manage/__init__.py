"""Managers' area: satisfaction indices on screen and their export (the CLI's export code)."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage", template_folder="../templates")

from web.manage import routes  # noqa: E402,F401  (registers the views on bp)

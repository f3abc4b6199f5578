"""Trainers' area: clips cut from scored calls, the clip library, playlists and downloads."""

from flask import Blueprint

bp = Blueprint("training", __name__, template_folder="../templates")

from web.training import routes  # noqa: E402,F401  (registers the views on bp)

"""Review area: the flagged-call queue, the call page with audio and evidence, review rounds
and appeals."""

from flask import Blueprint

bp = Blueprint("review", __name__, template_folder="../templates")

from web.review import routes  # noqa: E402,F401  (registers the views on bp)

"""Review area: the flagged-call queue, the call page with audio and evidence, review rounds
and appeals."""

from flask import Blueprint

bp = Blueprint("review", __name__, template_folder="../templates")

# the views register on bp, one module per concern
from web.review import appeals, call, corrections, queue, reasons  # noqa: E402,F401

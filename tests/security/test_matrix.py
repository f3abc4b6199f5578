"""Issue 18: the authorization matrix. Every route in `app.url_map` (each of its methods) x
every role and anonymous, with the status each cell answers as data; a route missing from the
data fails. Every POST route refuses a request without a valid CSRF token, whoever sends it.

The table in docs/security.md is generated from MATRIX; after changing it run
`.venv/bin/python -m tests.security.test_matrix` (a test checks that the two agree).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector.accounts import add_user
from inspector.store.models import PlaylistItem, SavedFilter
from tests.security.conftest import Served, fresh_address, pk_of, sign_in
from tests.web.conftest import PASSWORD, ROLES

#: the columns: signed out, then one user per role (tests/web/conftest.py's ROLES)
WHO = ("anonymous", "admin", "lead", "qa", "trainer", "manager", "agent")
SIGNED_OUT = 302  # to the sign-in page

# (method, rule) -> the status of each of WHO, in that order. The call is agent A1001's (the
# agent's own); the clip, playlist and playlist item are the trainer's, made afresh for each
# cell, the playlist not shared; a POST sends the form in FORMS (none: an empty form).
# fmt: off
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    # public
    ("GET", "/static/<path:filename>"):              (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/healthz"):                             (200, 200, 200, 200, 200, 200, 200),
    ("GET", "/login"):                               (200, 200, 200, 200, 200, 200, 200),
    ("POST", "/login"):                              (401, 401, 401, 401, 401, 401, 401),
    ("POST", "/logout"):                             (302, 302, 302, 302, 302, 302, 302),
    ("GET", "/favicon.ico"):                         (200, 200, 200, 200, 200, 200, 200),
    # the UI's language, kept in the browser's session (back to the page the form names)
    ("POST", "/language"):                           (302, 302, 302, 302, 302, 302, 302),
    # review: everyone sees the calls they may (an agent their own), reviewers review,
    # agents appeal, the QA lead decides
    ("GET", "/"):                                    (302, 200, 200, 200, 200, 200, 200),
    ("GET", "/calls/<int:pk>"):                      (302, 200, 200, 200, 200, 200, 200),
    ("GET", "/calls/<int:pk>/audio"):                (302, 200, 200, 200, 200, 200, 200),
    ("GET", "/calls/<int:pk>/peaks.json"):           (302, 200, 200, 200, 200, 200, 200),
    ("POST", "/calls/<int:pk>/review"):              (302, 403, 409, 409, 403, 403, 403),
    ("POST", "/calls/<int:pk>/reasons"):             (302, 403, 400, 400, 403, 403, 403),
    # a flag's decision: QA reviewers only (an empty form decides nothing: 400)
    ("POST", "/calls/<int:pk>/flags/<flag>"):        (302, 403, 400, 400, 403, 403, 403),
    # transcript correction: QA reviewers only (an empty form names no sentence: 400)
    ("POST", "/calls/<int:pk>/transcript/correct"):  (302, 403, 400, 400, 403, 403, 403),
    ("POST", "/calls/<int:pk>/appeals"):             (302, 403, 403, 403, 403, 403, 409),
    ("GET", "/appeals"):                             (302, 200, 200, 200, 403, 403, 200),
    ("POST", "/appeals/<int:appeal_id>/decide"):     (302, 403, 400, 403, 403, 403, 403),
    # the queue's worklist: reviewers have "我的待办", the QA lead assigns calls; everyone
    # keeps filters of their own (the filter deleted is the trainer's, made afresh)
    ("GET", "/mine"):                                (302, 403, 200, 200, 403, 403, 403),
    ("POST", "/assignments"):                        (302, 403, 400, 403, 403, 403, 403),
    ("POST", "/filters"):                            (302, 302, 302, 302, 302, 302, 302),
    ("POST", "/filters/<int:filter_id>/delete"):     (302, 404, 404, 404, 302, 404, 404),
    # manage: admins, managers and the QA lead
    ("GET", "/manage/satisfaction"):                 (302, 200, 200, 403, 403, 200, 403),
    ("GET", "/manage/satisfaction/export"):          (302, 200, 200, 403, 403, 200, 403),
    ("GET", "/manage/dashboard"):                    (302, 200, 200, 403, 403, 200, 403),
    ("GET", "/manage/api/<name>"):                   (302, 200, 200, 403, 403, 200, 403),
    ("GET", "/manage/dashboard/export"):             (302, 200, 200, 403, 403, 200, 403),
    # training: admins, QA lead, QA and trainers; a clip or playlist is changed by its creator,
    # the QA lead or an admin; an unshared playlist is seen by its owner, the lead and admins
    ("POST", "/calls/<int:pk>/clips"):               (302, 302, 302, 302, 302, 403, 403),
    ("GET", "/clips"):                               (302, 200, 200, 200, 200, 403, 403),
    ("GET", "/clips/<int:clip_id>"):                 (302, 200, 200, 200, 200, 403, 403),
    ("POST", "/clips/<int:clip_id>"):                (302, 302, 302, 403, 302, 403, 403),
    ("POST", "/clips/<int:clip_id>/delete"):         (302, 302, 302, 403, 302, 403, 403),
    ("GET", "/clips/<int:clip_id>/audio"):           (302, 200, 200, 200, 200, 403, 403),
    ("GET", "/clips/<int:clip_id>/download"):        (302, 200, 200, 200, 200, 403, 403),
    ("GET", "/playlists"):                           (302, 200, 200, 200, 200, 403, 403),
    ("POST", "/playlists"):                          (302, 302, 302, 302, 302, 403, 403),
    ("GET", "/playlists/<int:playlist_id>"):         (302, 200, 200, 404, 200, 403, 403),
    ("GET", "/playlists/<int:playlist_id>/download"): (302, 200, 200, 404, 200, 403, 403),
    ("POST", "/playlists/<int:playlist_id>/items"):  (302, 302, 302, 404, 302, 403, 403),
    ("POST", "/playlists/<int:playlist_id>/items/<int:item_id>/move"):   (302, 302, 302, 404, 302, 403, 403),  # noqa: E501
    ("POST", "/playlists/<int:playlist_id>/items/<int:item_id>/remove"): (302, 302, 302, 404, 302, 403, 403),  # noqa: E501
    ("POST", "/playlists/<int:playlist_id>/items/<int:item_id>/note"):   (302, 302, 302, 404, 302, 403, 403),  # noqa: E501
    ("POST", "/playlists/<int:playlist_id>/share"):  (302, 302, 302, 404, 302, 403, 403),
}
# fmt: on

#: what a POST sends, so that an allowed request succeeds where that is harmless to repeat;
#: reviews, appeals and decisions are sent empty (refused for their content: 400/409)
FORMS: dict[str, dict[str, str]] = {
    "/calls/<int:pk>/clips": {"start_s": "0", "end_s": "2", "title": "matrix"},
    "/filters": {"name": "matrix", "filter": "sort=score"},
    "/clips/<int:clip_id>": {"title": "matrix, renamed"},
    "/playlists": {"name": "matrix"},
    "/playlists/<int:playlist_id>/items": {"clip_id": "{clip_id}"},
    "/playlists/<int:playlist_id>/items/<int:item_id>/move": {"step": "up"},
    "/playlists/<int:playlist_id>/items/<int:item_id>/note": {"note": "matrix"},
    "/playlists/<int:playlist_id>/share": {"shared": "1"},
}
#: routes that end the signed-in user's sessions: each cell signs in a user of its own
ENDS_SESSIONS = {("POST", "/logout")}
DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
DOC_START, DOC_END = "<!-- matrix: start -->", "<!-- matrix: end -->"


def routes(app) -> set[tuple[str, str]]:
    """(method, rule) of every route the app serves (HEAD and OPTIONS come with GET and all)."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_in_the_matrix(served: Served) -> None:
    served_routes = routes(served.app)
    missing = sorted(served_routes - set(MATRIX))
    assert not missing, f"routes with no expected statuses in MATRIX: {missing}"
    stale = sorted(set(MATRIX) - served_routes)
    assert not stale, f"MATRIX names routes the app does not serve: {stale}"
    assert all(len(row) == len(WHO) for row in MATRIX.values())


class Cells:
    """Clients and URLs for the cells of the matrix."""

    def __init__(self, served: Served, as_role) -> None:
        self.served = served
        self.as_role = as_role
        self.pk = pk_of(served, "c01_compliant_billing")
        self._own = 0

    def client(self, who: str, route: tuple[str, str]):
        if who == "anonymous":
            return self.served.app.test_client()
        if route in ENDS_SESSIONS:  # not the shared client of that role
            self._own += 1
            name = f"matrix-{who}-{self._own}"
            role, agent_id = ROLES[who]
            with self.served.sessions.begin() as session:
                add_user(session, name, role, PASSWORD, agent_id)
            client = self.served.app.test_client()
            assert sign_in(client, name).status_code == 302
            return client
        return self.as_role(who)

    def values(self, rule: str) -> dict[str, str]:
        """A value for each argument of the rule: the trainer's objects made afresh."""
        values = {
            "pk": self.pk,
            "filename": "style.css",
            "name": "qa",
            "appeal_id": 1,
            "flag": "complaint_risk",
        }
        if {"clip_id", "playlist_id", "item_id"} & set(re.findall(r":(\w+)>", rule)):
            values |= self._trainers_objects()
        if "filter_id" in rule:
            values["filter_id"] = self._trainers_filter()
        return {k: str(v) for k, v in values.items()}

    def _trainers_objects(self) -> dict[str, int]:
        trainer = self.as_role("trainer")
        playlist = trainer.post("/playlists", data={"name": "the trainer's"})
        playlist_id = int(playlist.headers["Location"].rsplit("/", 1)[1])
        clip = trainer.post(
            f"/calls/{self.pk}/clips",
            data={"start_s": "0", "end_s": "3", "title": "c", "playlist_id": str(playlist_id)},
        )
        clip_id = int(clip.headers["Location"].rsplit("/", 1)[1])
        with self.served.sessions() as session:
            item_id = session.scalar(
                select(PlaylistItem.id).where(PlaylistItem.playlist_id == playlist_id)
            )
        return {"clip_id": clip_id, "playlist_id": playlist_id, "item_id": item_id}

    def _trainers_filter(self) -> int:
        self.as_role("trainer").post("/filters", data={"name": "the trainer's", "filter": ""})
        with self.served.sessions() as session:
            return session.scalar(select(SavedFilter.id).where(SavedFilter.name == "the trainer's"))

    def prepare(self, who: str, method: str, rule: str, form: dict[str, str] | None = None):
        """A cell's client, URL and form."""
        values = self.values(rule)
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule)
        if form is None:
            form = {k: v.format(**values) for k, v in FORMS.get(rule, {}).items()}
        return self.client(who, (method, rule)), url, form

    @staticmethod
    def send(client, method: str, url: str, form: dict[str, str]):
        response = client.open(url, method=method, data=form, environ_base=fresh_address())
        response.close()  # file responses hold the recording open until closed
        return response


@pytest.fixture(scope="module")
def cells(served: Served, as_role) -> Cells:
    return Cells(served, as_role)


@pytest.mark.parametrize("route", list(MATRIX), ids=[f"{m} {r}" for m, r in MATRIX])
def test_each_cell_answers_its_status(cells: Cells, route: tuple[str, str]) -> None:
    method, rule = route
    got = {}
    for who in WHO:
        client, url, form = cells.prepare(who, method, rule)
        response = cells.send(client, method, url, form)
        got[who] = response.status_code
        if who == "anonymous" and response.status_code == SIGNED_OUT:
            assert "/login" in response.headers["Location"], (route, response.headers["Location"])
    assert got == dict(zip(WHO, MATRIX[route], strict=True)), route


@pytest.mark.parametrize(
    "route",
    [r for r in MATRIX if r[0] == "POST"],
    ids=[f"{m} {r}" for m, r in MATRIX if m == "POST"],
)
def test_each_post_needs_a_csrf_token(cells: Cells, route: tuple[str, str]) -> None:
    """No token, or another session's token: 400 for everyone, before any role check."""
    config = cells.served.app.config
    foreign_page = cells.served.app.test_client().get("/login").get_data(as_text=True)
    foreign = foreign_page.split('name="csrf_token" value="')[1].split('"')[0]
    method, rule = route
    for who in WHO:
        client, url, form = cells.prepare(who, method, rule)
        config["WTF_CSRF_ENABLED"] = True
        try:
            without = cells.send(client, method, url, form)
            with_foreign = cells.send(client, method, url, form | {"csrf_token": foreign})
        finally:
            config["WTF_CSRF_ENABLED"] = False
        assert (without.status_code, with_foreign.status_code) == (400, 400), (who, route)


def markdown_table() -> str:
    """The matrix as the Markdown table docs/security.md shows."""
    lines = [
        "| route | " + " | ".join(ROLES[w][0] if w in ROLES else w for w in WHO) + " |",
        "|---|" + "---|" * len(WHO),
    ]
    for (method, rule), row in MATRIX.items():
        lines.append(f"| `{method} {rule}` | " + " | ".join(map(str, row)) + " |")
    return "\n".join(lines)


def _doc_with_table(text: str) -> str:
    before, rest = text.split(DOC_START, 1)
    _, after = rest.split(DOC_END, 1)
    return f"{before}{DOC_START}\n{markdown_table()}\n{DOC_END}{after}"


def test_the_docs_show_this_matrix() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == _doc_with_table(text), (
        "docs/security.md's role x route table differs from MATRIX: "
        "run `.venv/bin/python -m tests.security.test_matrix`"
    )


if __name__ == "__main__":
    DOC.write_text(_doc_with_table(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{DOC}: the role x route table written from MATRIX")

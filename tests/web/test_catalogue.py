"""One catalogue for every user-facing word: each message the code and templates use is in the
zh_CN catalogue and translated, no Chinese is written into a template or view outside it, and
the UI speaks Chinese by default and English when asked."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.factories import REPO

WEB = REPO / "web"
PO = WEB / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")


#: a language is named in its own language in the switcher
NATIVE_NAMES = {"i18n.py"}


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="zh_Hans_CN")


def _used() -> dict[str, str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2)}
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(WEB), method_map, keywords=keywords
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found[msgid] = filename
    return found


def test_every_message_in_use_is_translated() -> None:
    catalogue = _catalogue()
    used = _used()
    assert len(used) > 50
    missing = {m: f for m, f in used.items() if not (catalogue.get(m) and catalogue.get(m).string)}
    assert not missing, f"add these to {PO.relative_to(REPO)}: {missing}"
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not fuzzy


def test_placeholders_survive_translation() -> None:
    for message in _catalogue():
        if message.id and isinstance(message.id, str):
            names = sorted(re.findall(r"%\((\w+)\)", message.id))
            assert sorted(re.findall(r"%\((\w+)\)", message.string)) == names, message.id


def _template_chinese(text: str) -> list[str]:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"\{%-?\s*trans\b.*?endtrans\s*-?%\}", "", text, flags=re.S)
    text = re.sub(r"_\(\s*(['\"]).*?\1", "", text, flags=re.S)
    return [line.strip() for line in text.splitlines() if CJK.search(line)]


def _python_chinese(text: str) -> list[str]:
    found, previous = [], None
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        docstring = tok.type == tokenize.STRING and previous in (
            None,
            tokenize.INDENT,
            tokenize.NEWLINE,
        )
        if tok.type == tokenize.STRING and not docstring and CJK.search(tok.string):
            found.append(tok.string)
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            previous = tok.type
    return found


def _sources() -> list[Path]:
    return sorted(
        [*WEB.glob("templates/**/*.html"), *WEB.glob("**/*.py"), *WEB.glob("static/*.js")]
    )


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(WEB)))
def test_no_chinese_outside_the_catalogue(path: Path) -> None:
    name = str(path.relative_to(WEB))
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        found = _template_chinese(text)
    elif path.suffix == ".py":
        found = _python_chinese(text)
    else:  # scripts take their words from the page (data attributes or a JSON block)
        found = [line.strip() for line in text.splitlines() if CJK.search(line.split("//")[0])]
    if name in NATIVE_NAMES:
        found = [s for s in found if s.strip("'\"") not in ("中文",)]
    assert not found, f"{name}: put these words in the catalogue: {found[:5]}"


def test_chinese_by_default_english_when_chosen(app) -> None:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and "登录" not in page and 'lang="en"' in page
    # an unknown language or a foreign next URL change nothing
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/login"
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_language_survives_signing_in(app) -> None:
    from tests.web.conftest import login

    client = app.test_client()
    client.post("/language", data={"lang": "en"})
    assert login(client, "qa").status_code == 302
    assert "Sign out" in client.get("/").get_data(as_text=True)


def test_sign_in_error_shown_once(app) -> None:
    from tests.web.conftest import login

    client = app.test_client()
    page = login(client, "qa", "wrong password").get_data(as_text=True)
    assert page.count("用户名或密码错误") == 1


def test_errors_inside_the_layout_with_a_way_back(as_role) -> None:
    qa = as_role("qa")
    response = qa.get("/calls/999999", headers={"Referer": "http://localhost/?sort=newest"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "未找到" in page and 'class="navbar' in page
    assert 'href="/?sort=newest"' in page  # back where the user came from
    # the API answers JSON
    response = as_role("manager").get("/manage/api/nonexistent")
    assert response.status_code == 404 and response.is_json


def test_favicon(app) -> None:
    response = app.test_client().get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    response.close()


def test_a_label_of_a_constant_follows_the_language(app) -> None:
    """Jinja folds filters on constants at compile time; the label filter must not be folded."""
    from flask import session
    from flask_babel import refresh

    template = app.jinja_env.from_string("{{ 'agent'|label('speaker') }}")  # compiled once
    with app.test_request_context("/"):
        assert template.render() == "坐席"
        session["lang"] = "en"
        refresh()
        assert template.render() == "Agent"

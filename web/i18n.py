"""The UI's language and time zone: Flask-Babel with zh_CN by default and English second.

Every user-facing string is written in English in the code and templates (`_()`, `lazy_gettext`)
and translated in one catalogue, web/translations/zh_Hans_CN/LC_MESSAGES/messages.po (Babel reads
the locale zh_CN as zh_Hans_CN, simplified Chinese in China, and looks for its catalogue under that
name); `./run.sh setup` compiles it (`compile_catalogues` does the same for a checkout that was not
set up by run.sh).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, session
from flask_babel import Babel

LOCALES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"
TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    """The language the signed-in person chose (kept in their session), else Chinese."""
    chosen = session.get("lang")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def select_timezone() -> str:
    """Times are shown in the centre's time zone, whatever the browser's."""
    return current_app.extensions["inspector.settings"].timezone


def init_babel(app: Flask) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)


def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older; the paths written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written

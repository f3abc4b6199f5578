import pytest

from tests.web.conftest import app  # noqa: F401  (the same processed calls and users)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo data behind a real server (tests/e2e/demo.py), once per module."""
    from tests.e2e.demo import serve_demo

    yield from serve_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def chromium():  # type: ignore[no-untyped-def]
    """Debian's chromium driven by Playwright, once per module."""
    from tests.e2e.test_browser import launched_chromium

    with launched_chromium() as b:
        yield b

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
    from playwright.sync_api import sync_playwright

    from tests.e2e.test_browser import CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        yield b
        b.close()

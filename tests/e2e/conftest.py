from tests.web.conftest import app  # noqa: F401  (the same processed calls and users)

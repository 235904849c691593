"""The test suite's shared fixtures and builders live in ``tests/support`` (a pytest plugin),
independent of the demo; each directory's conftest adds only its own."""

pytest_plugins = ["tests.support.plugin"]

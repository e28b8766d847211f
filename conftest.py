"""Root of the test suite: the suite's clock (``homeward/testing/suite_clock.py``) is a plugin
loaded here, at the root, so that it starts before any test module is imported."""

pytest_plugins = ["homeward.testing.suite_clock"]

"""What the tests share: a pytest plugin of fixtures (``plugin``), builders whose every point
value comes from the référentiel (``builders``), import files (``files``), an API client
(``api``), and the helpers of grading, deliberation and document tests."""

"""Statistics for a certifier's staff, exactly: rates, inter-rater reliability, insertion.

Pure Python (stdlib only). Every figure is a ``Fraction``; rounding happens only when a
figure is written out (``rates.rate_to_string``, ``rates.format_rate``).
"""

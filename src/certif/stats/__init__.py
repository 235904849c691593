"""Statistics pages' companions that need third-party libraries (charts with matplotlib).

The figures themselves are computed exactly in ``certif.domain.statistics``.
"""

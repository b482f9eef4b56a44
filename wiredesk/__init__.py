"""wiredesk: pure functions that turn news articles into warehouse tables.

Nothing in this package imports Dagster: the Dagster wiring lives in `assets/` and `pipelines/`.
"""

"""Dagster assets and asset checks: thin wiring over the pure functions in `wiredesk`."""

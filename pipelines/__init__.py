"""Dagster wiring for wiredesk: definitions, resources, jobs and sensors."""

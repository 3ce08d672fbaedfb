"""Repositories: one per area, each the only place that area's SQL is written (services hold these)."""

"""Shared pieces of the log-sentinel DAGs: one config (images, resources, runner) and one operator factory."""

"""Recompute stored recommendations in the background when a property or need changes."""

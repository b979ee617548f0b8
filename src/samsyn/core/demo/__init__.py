"""Demo data: a small region a newcomer can log into with any role."""

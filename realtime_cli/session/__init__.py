"""The session model and the inspections built on it (show, ls, stats)."""

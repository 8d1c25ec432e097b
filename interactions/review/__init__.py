"""Supervisor review: history, CSV export, stored snapshots, access logs."""

"""Importing and exporting the lists district offices send: reading files, cells, services."""

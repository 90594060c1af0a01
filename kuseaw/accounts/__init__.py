"""Logging in and out and changing one's own password: Django's auth views with Thai forms
and password validators. No models; the roles live in officials.roles."""

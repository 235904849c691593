"""Backing up an installation while it runs, and restoring it into an empty one."""

"""Notifications: one entry point, mail in the recipient's language, sent after commit."""

"""Accounts: users (e-mail log-in), person profiles, organisations and memberships."""

"""Eligibility: evaluate a call's typed criteria against the facts of an application.

``facts`` and ``engine`` are pure (no Django); ``messages`` renders reasons in the user's
language.
"""

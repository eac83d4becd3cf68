"""Agreements: signed within the call's term (often in Chinese working days), or forfeited."""

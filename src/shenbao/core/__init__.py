"""Shared kernel: audit log, domain errors, bilingual text, time helpers."""

"""Awards: the selection optimiser, decisions, public notice (公示) and reconsideration (复审)."""

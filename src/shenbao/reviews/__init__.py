"""Review: stages, the reviewer pool, conflicts (回避), assignment, scoring, ranking, live judging."""

"""Pure review algorithms (no Django): affinity, assignment, aggregation and ranking."""

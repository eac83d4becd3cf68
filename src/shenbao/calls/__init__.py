"""Calls: programs, calls, directions and the rest of a call definition, stored for querying."""

"""Management commands: thin wrappers over services."""

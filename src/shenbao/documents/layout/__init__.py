"""Pure document layout: plain data in, bytes out (and back). No Django here (import-linter contract)."""

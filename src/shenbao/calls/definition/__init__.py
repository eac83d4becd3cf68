"""The call definition: one validated schema for a call, as plain data.

This package imports no Django code.  ``schema.CallDefinition`` is the document a
program officer writes (YAML or JSON), ``load.parse_definition`` validates it and
returns either the definition or a list of located errors.
"""

"""The REST API (DESIGN §7): Django REST framework with an OpenAPI schema, versioned under /api/v1/."""

from __future__ import annotations

from shenbao.core.errors import DomainError


class ProjectError(DomainError):
    code = "project_error"

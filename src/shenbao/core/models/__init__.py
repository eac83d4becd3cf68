from shenbao.core.models.audit import AuditEntry

__all__ = ["AuditEntry"]

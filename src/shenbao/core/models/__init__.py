from shenbao.core.models.audit import AuditEntry
from shenbao.core.models.calendar import WorkCalendarYear

__all__ = ["AuditEntry", "WorkCalendarYear"]

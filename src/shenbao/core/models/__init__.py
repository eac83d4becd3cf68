from shenbao.core.models.audit import AuditEntry
from shenbao.core.models.calendar import WorkCalendarYear
from shenbao.core.models.worker import WorkerHeartbeat

__all__ = ["AuditEntry", "WorkCalendarYear", "WorkerHeartbeat"]

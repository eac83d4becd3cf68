from shenbao.awards.models.notice import Objection, PublicNotice
from shenbao.awards.models.selection import Award, SelectionRun

__all__ = ["Award", "Objection", "PublicNotice", "SelectionRun"]

from shenbao.awards.models.job import SelectionJob
from shenbao.awards.models.notice import Objection, PublicNotice, Reconsideration
from shenbao.awards.models.selection import Award, SelectionRun

__all__ = ["Award", "Objection", "PublicNotice", "Reconsideration", "SelectionJob", "SelectionRun"]

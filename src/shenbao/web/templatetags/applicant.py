from __future__ import annotations

from django import template

from shenbao.eligibility.messages import team_role_label

register = template.Library()


@register.filter
def team_role(code: str) -> str:
    """A team role's name in the active language (faculty → 高校教师)."""
    return team_role_label(code)

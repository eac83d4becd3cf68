from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import Membership, Organisation, Person, PreviousAward, User
from shenbao.core.text import text_get


class PersonInline(admin.StackedInline[Person, User]):
    model = Person
    can_delete = False


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):  # type: ignore[type-var]  # our User is not an AbstractUser
    ordering = ("email",)
    list_display = ("email", "display_name", "language", "is_active", "is_staff")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = (PersonInline, MembershipInline)


class AwardInline(admin.TabularInline[PreviousAward, Person]):
    model = PreviousAward
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "user", "position", "employment_type", "birth_date")
    search_fields = ("name", "user__email")
    inlines = (AwardInline,)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("display", "type", "country", "legal_person", "registered_on")
    list_filter = ("type", "country")
    search_fields = ("name", "credit_code")

    @admin.display(description=_("name"))
    def display(self, obj: Organisation) -> str:
        return obj.display_name(None)


__all__ = ["OrganisationAdmin", "PersonAdmin", "UserAdmin", "text_get"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import LoginFailure, Membership, Office, OfficeClosure, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("office",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Homeward", {"fields": ("language",)}))
    list_display = ("username", "first_name", "last_name", "email", "is_active")


class OfficeClosureInline(admin.TabularInline):
    model = OfficeClosure
    extra = 0
    fields = ("starts_on", "ends_on", "reason")


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country", "is_host", "is_transit", "is_origin", "zone")
    list_filter = ("country", "is_host", "is_transit", "is_origin")
    search_fields = ("name", "code")
    inlines = [MembershipInline, OfficeClosureInline]

    @admin.display(description=_("time zone"))
    def zone(self, obj) -> str:
        """The zone in force: the office's own, else its country's usual one."""
        return obj.time_zone_name


@admin.register(OfficeClosure)
class OfficeClosureAdmin(admin.ModelAdmin):
    """Office closures: days working-day deadlines skip besides weekends and public holidays."""

    list_display = ("office", "starts_on", "ends_on", "reason")
    list_filter = ("office",)
    list_select_related = ("office",)
    search_fields = ("reason", "office__name", "office__code")
    date_hierarchy = "starts_on"
    autocomplete_fields = ("office",)
    fields = ("office", "starts_on", "ends_on", "reason")


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed sign-ins; delete a user's rows to unlock them before the window ends."""

    list_display = ("username", "ip_address", "at")
    search_fields = ("username", "ip_address")
    readonly_fields = ("username", "ip_address", "at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

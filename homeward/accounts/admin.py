from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import LoginFailure, Membership, Office, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("office",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Homeward", {"fields": ("language",)}))
    list_display = ("username", "first_name", "last_name", "email", "is_active")


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country", "is_host", "is_transit", "is_origin")
    list_filter = ("country", "is_host", "is_transit", "is_origin")
    search_fields = ("name", "code")
    inlines = [MembershipInline]


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

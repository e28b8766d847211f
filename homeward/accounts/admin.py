from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Membership, Office, User


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

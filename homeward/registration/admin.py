from django.contrib import admin

from .models import OfficeVulnerability


@admin.register(OfficeVulnerability)
class OfficeVulnerabilityAdmin(admin.ModelAdmin):
    """R-VUL-2: each office's configured "other vulnerabilities" (reference data)."""

    list_display = ("name", "office", "is_active")
    list_filter = ("office", "is_active")
    search_fields = ("name",)

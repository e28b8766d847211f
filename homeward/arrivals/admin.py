from django.contrib import admin

from .models import PocketMoneyRate


@admin.register(PocketMoneyRate)
class PocketMoneyRateAdmin(admin.ModelAdmin):
    """R-ARR-4: reference data — the pocket money per programme and origin country."""

    list_display = (
        "programme",
        "country",
        "amount_eur",
        "amount_local",
        "currency",
        "valid_from",
        "valid_to",
    )
    list_filter = ("programme", "country")
    fields = (
        "programme",
        "country",
        "amount_eur",
        "amount_local",
        "currency",
        "valid_from",
        "valid_to",
    )

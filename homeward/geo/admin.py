from django.contrib import admin

from .models import AdminArea, Country


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "alpha3", "name")
    search_fields = ("code", "alpha3", "name")


@admin.register(AdminArea)
class AdminAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "country", "parent", "level")
    list_filter = ("country", "level")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    list_select_related = ("country", "parent")

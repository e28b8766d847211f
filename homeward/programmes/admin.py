from django import forms
from django.contrib import admin

from .models import CountryAction, Programme, ReturnScheme


class CountryActionInline(admin.TabularInline):
    model = CountryAction
    extra = 1
    autocomplete_fields = ("country",)


class ProgrammeForm(forms.ModelForm):
    eligible_schemes = forms.MultipleChoiceField(
        choices=ReturnScheme.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Programme
        fields = ("code", "name", "donor", "eligible_schemes", "currencies", "is_active")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    form = ProgrammeForm
    list_display = ("name", "code", "donor", "is_active")
    search_fields = ("name", "code", "donor")
    inlines = [CountryActionInline]

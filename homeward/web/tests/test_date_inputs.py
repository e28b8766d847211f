"""Date, time and month inputs keep their values in every language: browsers only accept
ISO values in them, so a French-formatted value would show an empty field."""

import datetime
import re

import pytest
from django.utils import translation

from homeward.accounts.models import Office, User
from homeward.web.forms import arrivals, people


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_date_and_datetime_inputs_render_iso_values_in_every_language(language, db):
    with translation.override(language):
        paid = arrivals.PocketMoneyForm(initial={"paid_on": datetime.date(2026, 12, 3)})
        html = str(paid["paid_on"])
        assert 'value="2026-12-03"' in html
        plan = arrivals.ReceptionPlanForm(
            initial={"expected_at": datetime.datetime(2026, 12, 3, 9, 5)}, staff=User.objects.none()
        )
        assert 'value="2026-12-03T09:05"' in str(plan["expected_at"])
        month = arrivals.LedgerFilterForm(
            initial={"month": "2026-12"}, offices=Office.objects.none()
        )
        assert 'type="month"' in str(month["month"])
        person = people.PersonForm(initial={"date_of_birth": datetime.date(1990, 1, 31)})
        assert 'value="1990-01-31"' in str(person["date_of_birth"])


def test_a_french_user_submits_the_iso_value_back_and_it_is_read(world):
    with translation.override("fr"):
        form = people.PersonForm(data={"date_of_birth": "1990-01-31"})
        form.is_valid()
        assert "date_of_birth" not in form.errors
        assert form.cleaned_data["date_of_birth"] == datetime.date(1990, 1, 31)
        shown = str(form["date_of_birth"])
        assert re.search(r'value="1990-01-31"', shown)


def test_the_base_form_sets_the_iso_format_of_every_kind():
    from django import forms

    from homeward.web.forms.base import Form

    class Dates(Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
        month = forms.DateField(widget=forms.DateInput(attrs={"type": "month"}))
        text = forms.DateField()  # a plain text input keeps the locale's format

    with translation.override("fr"):
        form = Dates(
            initial={
                "day": datetime.date(2026, 2, 1),
                "moment": datetime.datetime(2026, 2, 1, 13, 45),
                "month": datetime.date(2026, 2, 1),
                "text": datetime.date(2026, 2, 1),
            }
        )
        assert 'value="2026-02-01"' in str(form["day"])
        assert 'value="2026-02-01T13:45"' in str(form["moment"])
        assert 'value="2026-02"' in str(form["month"])
        assert 'value="01/02/2026"' in str(form["text"])

from django import forms
from django.forms.widgets import DateTimeBaseInput

# Browsers read and write these inputs in ISO form whatever the page's language: a value
# rendered in the locale's format ("03/12/2026" in French) leaves the input empty, and the
# user's earlier entry is lost on the next submit.
ISO_FORMATS = {"date": "%Y-%m-%d", "datetime-local": "%Y-%m-%dT%H:%M", "month": "%Y-%m"}


class Form(forms.Form):
    """Labels without a trailing colon: the layout sets them apart. Date, time and month
    inputs render their values in ISO form (see ISO_FORMATS)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, DateTimeBaseInput) and widget.input_type in ISO_FORMATS:
                widget.format = ISO_FORMATS[widget.input_type]

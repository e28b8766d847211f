from django import forms


class Form(forms.Form):
    """Labels without a trailing colon: the layout sets them apart."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

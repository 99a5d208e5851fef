"""GOV.UK Design System rendering for Django forms.

Django's template-based form rendering lets every field render with the GOV.UK label, hint and error
message markup, and every invalid form with an error summary that links to the fields.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class GovukDateInput(forms.DateInput):
    """A single ISO date box (type=date) with a hint: keyboard-friendly and works without JavaScript."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d")


def style_widgets(form: forms.BaseForm) -> None:
    """Give each widget its GOV.UK class so views and forms never repeat styling."""
    for name, field in form.fields.items():
        widget = field.widget
        css = widget.attrs.get("class", "")
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.RadioSelect):
            continue
        if isinstance(widget, forms.Textarea):
            css = css or "govuk-textarea"
        elif isinstance(widget, forms.Select):
            css = css or "govuk-select"
        elif isinstance(widget, forms.CheckboxInput):
            css = css or "govuk-checkboxes__input"
        elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
            css = css or "govuk-file-upload"
        else:
            css = css or "govuk-input"
        widget.attrs["class"] = css
        # Read the errors only once validation has run: touching form.errors here would validate the form
        # inside __init__, before a subclass has narrowed its querysets or set its messages.
        if form._errors and form._errors.get(name):
            widget.attrs["class"] = css + {
                "govuk-textarea": " govuk-textarea--error",
                "govuk-select": " govuk-select--error",
                "govuk-file-upload": " govuk-file-upload--error",
            }.get(css.split()[0], " govuk-input--error")
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}-error"
        elif field.help_text:
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}-hint"


# The largest id a database can hold (SQLite's and PostgreSQL's bigint).
_LARGEST_ID = 2**63 - 1


def _guard_ids(field: forms.ModelMultipleChoiceField) -> None:
    """Refuse an id no database can hold as "not a choice" before Django looks it up.

    Django answers an out-of-range id in an exact lookup with "no such row", but its ``__in`` lookup, which
    ModelMultipleChoiceField uses to check the ticked boxes, sends the number to SQLite, which raises
    OverflowError: a server error for ``findings=99999999999999999999``.
    """
    if getattr(field, "_ids_guarded", False):
        return
    original = field.clean

    def clean(value):
        for item in value if isinstance(value, list | tuple) else [value]:
            text = str(item).strip()
            if text.lstrip("+-").isdigit() and abs(int(text)) > _LARGEST_ID:
                raise forms.ValidationError(
                    field.error_messages["invalid_choice"], code="invalid_choice", params={"value": text[:30]}
                )
        return original(value)

    field.clean = clean
    field._ids_guarded = True


class GovukFormMixin:
    """Mixin for every SEND Hub form: GOV.UK classes, and errors linked to their fields."""

    template_name = "govuk/form.html"

    def full_clean(self) -> None:  # type: ignore[override]
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.ModelMultipleChoiceField):
                _guard_ids(field)
        super().full_clean()  # type: ignore[misc]
        style_widgets(self)  # type: ignore[arg-type]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)  # type: ignore[arg-type]


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass

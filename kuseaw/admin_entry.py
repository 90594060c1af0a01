"""What a person types in the Django admin follows the rules of every other form:
Buddhist-Era dates, and free text of at most settings.KUSEAW_TEXT_MAX_LENGTH characters."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from kuseaw.fields import BEDateField, BEDateInput


class HandEntryAdminMixin:
    """ModelAdmin or inline mixin: date fields are typed and shown as 15/02/2567 (พ.ศ.); a
    model TextField takes at most KUSEAW_TEXT_MAX_LENGTH characters, as on the app's forms
    (kuseaw.forms.limit_free_text)."""

    formfield_overrides = {models.DateField: {"form_class": BEDateField, "widget": BEDateInput}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and field is not None and not field.max_length:
            limit = settings.KUSEAW_TEXT_MAX_LENGTH
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
        return field

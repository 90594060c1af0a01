"""Buddhist Era dates in the Django admin's forms, the same as everywhere else."""

from django.db import models

from kuseaw.fields import BEDateField, BEDateInput


class BEDateAdminMixin:
    """ModelAdmin or inline mixin: date fields are typed and shown as 15/02/2567 (พ.ศ.)."""

    formfield_overrides = {models.DateField: {"form_class": BEDateField, "widget": BEDateInput}}

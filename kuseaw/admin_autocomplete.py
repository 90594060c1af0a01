"""The admin's autocomplete pickers, safe from a forged value.

Django's AutocompleteSelect shows the chosen record again when a form comes back with
errors by querying the related table with the posted value as it is. A value the related
field cannot hold (letters or «1.5» for a numeric id, a NUL character) then fails in the
query, and the admin answers 500 instead of the form with «เลือกตัวเลือกที่ถูกต้อง».
"""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        """Django's, for the values the related field can hold: the others match nothing."""
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        return super().optgroups(name, [v for v in value if _holds(target, v)], attr)


def _holds(field, value) -> bool:
    if "\x00" in str(value):
        return False
    try:
        field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return False
    return True


class SafeAutocompleteAdminMixin:
    """ModelAdmin mixin: its autocomplete_fields use SafeAutocompleteSelect."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

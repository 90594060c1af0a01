"""A Django admin page that shows records and never adds, changes or deletes them."""


class ReadOnlyAdminMixin:
    """ModelAdmin mixin: list and view only (reference data, append-only records)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

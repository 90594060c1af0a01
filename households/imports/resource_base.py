"""What every import resource shares (the households, officials and pairings files).

- CellWidget: a cell parser of cells.py as a django-import-export widget;
- RowsMeta: the resource options the imports share (bulk mode, our own report, no
  transaction of the library's own);
- field_cells() and read_cells(): a row's cells read with its Fields' widgets, without the
  library's per-cell calls, each error kept as (column label, Thai message);
- table_dataset() and import_rows(): a reading.Table's rows as a tablib Dataset, and
  import_data() run inside the caller's transaction;
- small helpers the resources' checks use (is_blank, field_errors, quiet_national_id).
"""

import tablib
from django.core.exceptions import ValidationError
from import_export import widgets

from households.imports import cells


class CellWidget(widgets.Widget):
    """One of the cell parsers in cells.py as an import-export widget.

    A cell that cannot be read raises cells.CellError (a ValueError), which the resource
    turns into a Thai row/column error.
    """

    def __init__(self, parse, **kwargs):
        super().__init__(**kwargs)
        self.parse = parse

    def clean(self, value, row=None, **kwargs):
        return self.parse(value)


def field_cells(resource_fields) -> list[tuple]:
    """(column, attribute, widget.clean, saves null) per Field: what Field.clean() and
    Field.save() do for a cell, looked up once rather than for every cell of every row."""
    return [
        (f.column_name, f.attribute, f.widget.clean, f.saves_null_values) for f in resource_fields
    ]


def read_cells(cells_, row, labels, set_value, errors) -> None:
    """What the library's import_instance() does with each Field (its widget cleans the
    cell; a blank keeps what is stored unless the field saves nulls), without its three
    calls per cell, and with each error kept as (column label, Thai message).
    `cells_` come from field_cells(); every column must be in the row."""
    for column, attribute, clean, saves_null in cells_:
        try:
            value = clean(row[column], row)
        except ValueError as error:
            label = labels[column]
            errors.append((label, _without_label(str(error), label)))
            continue
        if value is not None or saves_null:
            set_value(attribute, value)


def table_dataset(table_rows, keys: list[str]) -> tablib.Dataset:
    """reading.Table rows as the Dataset import_data() takes; `_row` is the row number as
    Excel shows it."""
    data = tablib.Dataset(headers=[*keys, "_row"])
    for row_number, values in table_rows:
        data.append([*(values[k] for k in keys), row_number])
    return data


def import_rows(resource, dataset, *, dry_run: bool):
    """resource.import_data() inside the caller's transaction. The rows' own errors are in
    the resource's report; any other error (a fault in the import itself) is raised."""
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=False)
    if result.has_errors():
        failures = [e for _, errors in result.row_errors() for e in errors]
        raise (failures or result.base_errors)[0].error
    return result


class RowsMeta:
    """The resource options the app's imports share: bulk mode writing once per
    import_data() call, after every row is checked; our own report instead of the
    library's diff; the model checks run by validate_instance(); the import's own
    transaction holds every call."""

    use_bulk = True
    batch_size = None
    skip_diff = True
    report_skipped = True
    clean_model_instances = False
    use_transactions = False


def _without_label(message: str, label: str) -> str:
    return message.removeprefix(f"{label}: ")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def field_errors(error: ValidationError, labels_by_field: dict) -> list[tuple[str, str]]:
    found = []
    for field_name, messages in error.message_dict.items():
        label = labels_by_field.get(field_name, "")
        found.extend((label, message) for message in messages)
    return found


def quiet_national_id(value):
    """The national ID in a cell, or None when there is none or it is wrong (the row's
    own reading reports that)."""
    try:
        return cells.parse_national_id(value)
    except cells.CellError:
        return None

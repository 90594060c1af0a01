"""The model's own field checks, without full_clean's cost per row, and cheap new instances.

Used by the households import (households.imports.household_rows).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

from households.models import Household, Member
from kuseaw.national_id import validate_national_id

# full_clean builds and collects errors for every field of every row: about half the time
# of a preview. The cell widgets already give typed values, so a row is first run
# through these plain checks (lengths, blanks, choices, ranges, digits, validators taken
# from the model's own fields); only a row that fails one goes to full_clean, which
# then words the error exactly as a hand-entered record would get it.


def _field_check(model_field):
    """check(value) → True when model_field.clean(value) certainly passes; False means
    «let full_clean decide»."""
    from django.core import validators
    from django.db import models

    if not model_field.editable and not model_field.validators:
        return lambda value: True  # Field.validate() skips non-editable fields
    blank, empty = model_field.blank, model_field.empty_values
    choices = {value for value, _ in model_field.flatchoices} if model_field.choices else None
    max_length = getattr(model_field, "max_length", None)
    low = high = None
    others = []
    for validator in model_field.validators:
        if isinstance(validator, validators.MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, validators.MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
        elif validator is validate_national_id:
            pass  # cells.parse_national_id ran it on every ID the file gives
        elif not isinstance(validator, validators.MaxLengthValidator | validators.DecimalValidator):
            others.append(validator)  # e.g. no NUL characters
    places = whole_limit = None
    if isinstance(model_field, models.BooleanField):
        kind = bool
    elif isinstance(model_field, models.DecimalField):
        kind = Decimal
        places = model_field.decimal_places
        whole_limit = Decimal(10) ** (model_field.max_digits - places)
    elif isinstance(model_field, models.DateTimeField):
        kind = datetime.datetime
    elif isinstance(model_field, models.DateField):
        kind = datetime.date
    elif isinstance(model_field, models.IntegerField | models.AutoField | models.ForeignKey):
        kind = int
    elif isinstance(model_field, models.CharField | models.TextField):
        kind = str
    else:
        return lambda value: False

    passed = set()  # a column holds few distinct choices, dates and flags: check each once

    def check(value) -> bool:
        if value in empty:
            return blank
        if type(value) is kind and value in passed:
            return True
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return False
        if choices is not None and value not in choices:
            return False
        if max_length is not None and len(value) > max_length:
            return False
        if places is not None and (
            not value.is_finite()
            or value.as_tuple().exponent < -places
            or abs(value) >= whole_limit
        ):
            return False
        if (low is not None and value < low) or (high is not None and value > high):
            return False
        for validator in others:
            try:
                validator(value)
            except ValidationError:
                return False
        if kind is not str and kind is not Decimal and len(passed) < 1000:
            passed.add(value)
        return True

    return check


class ModelChecker:
    """checker(instance) → True when instance.full_clean(exclude, validate_unique=False,
    validate_constraints=False) would certainly pass (the model has no clean() of its own)."""

    def __init__(self, model, exclude):
        self.checks = {
            f.attname: _field_check(f) for f in model._meta.concrete_fields if f.name not in exclude
        }

    def __call__(self, instance) -> bool:
        values = instance.__dict__
        return all(check(values.get(attname)) for attname, check in self.checks.items())

    def only(self, names, template):
        """The same check for an import that sets only `names`: the other fields keep
        either the stored values or the defaults of `template` (a new instance), so only
        those defaults that would fail (a required field left blank) are checked too."""
        defaults = template.__dict__
        keep = [
            (attname, check)
            for attname, check in self.checks.items()
            if attname in names or not check(defaults.get(attname))
        ]

        def checker(instance) -> bool:
            values = instance.__dict__
            return all(check(values.get(attname)) for attname, check in keep)

        return checker


HOUSEHOLD_EXCLUDE = ["subdistrict"]
MEMBER_EXCLUDE = ["household", "updated_by"]
household_fields_ok = ModelChecker(Household, HOUSEHOLD_EXCLUDE)
member_fields_ok = ModelChecker(Member, MEMBER_EXCLUDE)


def instance_maker(model, defaults=None):
    """A function making model(**defaults) without Model.__init__'s cost per row: a copy
    of the field values of one instance made the ordinary way. Make one per import (the
    defaults may depend on the day, as `joined_on` does). Only for models nothing listens
    to pre_init/post_init for; otherwise the ordinary constructor."""
    from django.db.models import signals
    from django.db.models.base import ModelState

    defaults = defaults or {}
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return lambda: model(**defaults)
    template = model(**defaults)
    values = {k: v for k, v in template.__dict__.items() if k != "_state"}
    new, update = model.__new__, dict.update

    def make():
        instance = new(model)
        update(instance.__dict__, values)
        instance._state = ModelState()
        return instance

    return make

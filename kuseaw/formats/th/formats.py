# Django's own date formats would show the Christian year; every date in a template goes
# through the `be` filter instead. These keep number grouping Thai-style.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

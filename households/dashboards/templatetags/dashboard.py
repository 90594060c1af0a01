"""{% dash_url %}: a dashboard link that keeps the filters of the page it is on.

The view puts the valid filters in the context as `filter_params` (a dict); a link adds or
replaces some (`district=row.district.pk`) or drops them (`agency=None`); `base=other_dict`
starts from another dict instead.
"""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def dash_url(context, view_name, *args, **overrides):
    base = overrides.pop("base", None)
    params = dict(base if base is not None else context.get("filter_params") or {})
    for name, value in overrides.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = value
    url = reverse(view_name, args=args)
    return f"{url}?{urlencode(params)}" if params else url

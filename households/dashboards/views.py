"""The dashboards (ภาพรวม): the overview, breakdowns by district, agency and official, the
household list they drill down to, the latest activity, the case plans (problems, actions
overdue, graduation, level changes between rounds), and an .xlsx of every table.

Scope comes from households.dashboards.scope (Household.objects.visible_to and
Official.objects.visible_to); the filters in the URL only narrow it, and an invalid one
shows a Thai message instead of figures. Officials see their own households' summary on
the overview and nothing else here; users without a role get 404.
"""

import functools
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from households.audit import log_access
from households.dashboards import case_plans, charts, exports, figures, partners
from households.dashboards.filters import (
    DashboardFilterForm,
    HouseholdListFilterForm,
    PlanFilterForm,
)
from households.dashboards.scope import scope_for
from households.models import AccessAction, PovertyLevel, income_threshold
from kuseaw import spreadsheets
from kuseaw.thaidate import format_be

PAGE_SIZE = 50


def dashboard_page(*, staff_only=True, form_class=DashboardFilterForm):
    """Logged in (else the login page), GET only, a scope (else 404) and, for the staff
    pages, not an official (else 404). The view is called as view(request, context), the
    context holding scope, form and filters; `filters` is None when the URL holds an invalid
    filter, and the page then shows the form's Thai messages instead of figures."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            scope = scope_for(request.user)
            if scope is None or (staff_only and scope.personal):
                raise Http404
            form, filters = _filters(request, scope, form_class)
            context = {
                "scope": scope,
                "form": form,
                "filters": filters,
                "filter_params": _params(form, DashboardFilterForm.base_fields),
                "today": timezone.localdate(),
            }
            return view(request, context, *args, **kwargs)

        return login_required(require_safe(wrapped))

    return decorate


def _filters(request, scope, form_class):
    """The filter form (None on an official's summary, which has no filters) and the
    filters it gives (None when one is invalid)."""
    if scope.personal:
        return None, DashboardFilterForm(scope=scope).filters()
    form = form_class(request.GET or None, scope=scope)
    return form, form.filters()


def _params(form, names) -> dict:
    """The valid filters among `names` as they were typed, for links that keep them."""
    if form is None or not form.is_bound or not form.is_valid():
        return {}
    return {name: form.data[name] for name in names if form.data.get(name)}


@dashboard_page(staff_only=False)
def overview(request, context):
    result = figures.overview(context["filters"]) if context["filters"] else None
    context |= {
        "title": "ภาพรวม",
        "figures": result,
        "charts": charts.overview_charts(result),
        "level_labels": PovertyLevel.labels,
        "notes": {
            "overdue": f"มีคู่เสี่ยวแต่ไม่ได้เยี่ยมเกิน {settings.KUSEAW_VISIT_OVERDUE_DAYS} วัน",
            "threshold": f"{income_threshold():,} บาท/คน/ปี ขึ้นไป",
        },
    }
    return render(request, "dashboard/overview.html", context)


@dashboard_page()
def districts(request, context):
    rows = figures.by_district(context["filters"]) if context["filters"] else []
    context |= {"title": "รายอำเภอ", "rows": rows, "totals": _totals(rows)}
    return render(request, "dashboard/districts.html", context)


@dashboard_page()
def agencies(request, context):
    rows = figures.by_agency(context["filters"]) if context["filters"] else []
    context |= {"title": "รายหน่วยงาน", "rows": rows, "totals": _totals(rows)}
    return render(request, "dashboard/agencies.html", context)


@dashboard_page()
def officials(request, context):
    filters = context["filters"]
    page = _page(request, figures.officials_list(filters) if filters else None)
    if page is not None:
        page.object_list = figures.add_official_figures(filters, page.object_list)
        case_plans.add_official_shares(filters, page.object_list)
    context |= {"title": "รายเจ้าหน้าที่", "page": page}
    return render(request, "dashboard/officials.html", context)


@dashboard_page(form_class=HouseholdListFilterForm)
def households(request, context):
    rows = figures.household_list(context["filters"]) if context["filters"] else None
    context |= {
        "title": "รายชื่อครัวเรือน",
        "page": _page(request, rows),
        "list_params": _params(context["form"], HouseholdListFilterForm.base_fields),
        "overdue_days": settings.KUSEAW_VISIT_OVERDUE_DAYS,
    }
    return render(request, "dashboard/households.html", context)


@dashboard_page()
def activity(request, context):
    filters = context["filters"]
    context["title"] = "ความเคลื่อนไหว"
    if filters:
        context |= {
            "visits": figures.latest_visits(filters),
            "aid": figures.latest_aid(filters),
            "not_visited": figures.longest_not_visited(filters),
        }
    return render(request, "dashboard/activity.html", context)


@dashboard_page(form_class=PlanFilterForm)
def plans(request, context):
    result = case_plans.problem_figures(context["filters"]) if context["filters"] else None
    context |= {
        "title": "ปัญหาตามแผน",
        "problems": result,
        "charts": charts.problem_charts(result),
        "period_applies": False,
    }
    return render(request, "dashboard/plans.html", context)


@dashboard_page(form_class=PlanFilterForm)
def plan_progress(request, context):
    result = case_plans.progress(context["filters"]) if context["filters"] else None
    context |= {
        "title": "ความคืบหน้าของแผน",
        "progress": result,
        "charts": charts.progress_charts(result),
        "level_labels": PovertyLevel.labels,
        "still_out_months": case_plans.STILL_OUT_MONTHS,
        "period_applies": False,
    }
    return render(request, "dashboard/plan_progress.html", context)


@dashboard_page()
def partners_page(request, context):
    filters = context["filters"]
    context |= {
        "title": "ภาคีเครือข่าย",
        "referrals": partners.referral_rows(filters) if filters else [],
        "sectors": partners.contributions_by_sector(filters) if filters else [],
        "gaps": partners.buddies_missing(filters) if filters else [],
        "per_official": settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL,
    }
    return render(request, "dashboard/partners.html", context)


def _page(request, rows):
    if rows is None:
        return None
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _totals(rows) -> dict:
    """The sum of each number column of a breakdown (its rows are dataclasses)."""
    totals = {}
    for row in rows:
        for name, value in vars(row).items():
            if isinstance(value, int | Decimal):
                totals[name] = totals.get(name, 0) + value
    return totals


@login_required
@require_safe
def dashboard_export(request, table):
    """Every dashboard table as .xlsx: the one way out of the dashboards, each download
    written to the access log. Same scope and filters as the page; an invalid filter sends the user
    back to the page, which says what is wrong."""
    spec = exports.TABLES.get(table)
    scope = scope_for(request.user)
    if spec is None or scope is None or (scope.personal and not spec.personal):
        raise Http404
    form_class = HouseholdListFilterForm if spec.household_list else DashboardFilterForm
    _, filters = _filters(request, scope, form_class)
    if filters is None:
        return redirect(f"{reverse(spec.page)}?{request.GET.urlencode()}")
    response = HttpResponse(exports.workbook(spec, filters), content_type=spreadsheets.XLSX)
    description = f"{spec.title} (.xlsx) {exports.describe(filters, period=spec.period)}"
    log_access(request, AccessAction.LIST_EXPORTED, description=description)
    day = format_be(timezone.localdate(), "numeric").replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="kuseaw-{table}-{day}.xlsx"'
    return response

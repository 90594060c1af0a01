"""Login lockout (django-axes), the client's address behind a proxy, and the request size cap.

Settings (kuseaw/settings.py, from the environment):
KUSEAW_LOGIN_FAILURE_LIMIT failures lock one account, wherever they come from;
KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS failures lock one address, whichever accounts they try
(higher: a district office's officials share one public address);
both for KUSEAW_LOGIN_COOLOFF_MINUTES after the last failure.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import BadRequest
from django.db.models import Sum
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the header the reverse proxy sets.

    Only KUSEAW_CLIENT_IP_HEADER is read (e.g. X-Real-IP, or X-Forwarded-For, where the
    right-most address is the one our own proxy added; any to its left came from the client
    and could be made up). Unset, headers are ignored: anyone could send them.
    """
    address = None
    header = settings.KUSEAW_CLIENT_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        values = [v.strip() for v in request.META.get(meta_key, "").split(",") if v.strip()]
        address = values[-1] if values else None
    if address is None:
        address = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return request.META.get("REMOTE_ADDR")


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with its own limit for an address, and a success that clears
    only the account's own failures.

    Axes compares one number with AXES_FAILURE_LIMIT: the larger of the account's failures
    and the address's failures scaled to the account's limit. With AXES_LOCKOUT_PARAMETERS =
    ["username", "ip_address"], get_user_attempts gives the account's attempts first.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        account_limit = settings.AXES_FAILURE_LIMIT
        address_limit = settings.KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS
        return max(by_account, by_address * account_limit // address_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A right password proves the account, not everyone behind the address: clearing the
        # address would let anyone with one login reset the count against someone else's.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The Thai page a locked-out login gets (AXES_LOCKOUT_CALLABLE), HTTP 429."""
    context = {"cooloff_minutes": settings.KUSEAW_LOGIN_COOLOFF_MINUTES}
    return render(request, "registration/locked_out.html", context, status=429)


class RequestSizeLimitMiddleware:
    """Turns away an oversized request body before Django reads it, with a Thai 413 page.

    DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files: without this, a huge file posted
    to any form would be read in full (and spooled to disk) before a view could refuse it.
    Pages under KUSEAW_UPLOAD_URL_PREFIXES take files up to KUSEAW_MAX_REQUEST_BYTES; every
    other page takes twice DATA_UPLOAD_MAX_MEMORY_SIZE (Django answers 400 above the latter).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.path_info.startswith(tuple(settings.KUSEAW_UPLOAD_URL_PREFIXES)):
            limit = settings.KUSEAW_MAX_REQUEST_BYTES
        else:
            limit = 2 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            context = {"limit_mb": max(1, limit // (1024 * 1024))}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


class RejectNulInQueryMiddleware:
    """A NUL character in the query string answers 400 (the Thai page) before any view runs.

    No one types one; PostgreSQL refuses it in text, so a search box that passes it on
    (the Django admin's does) would otherwise end in a 500. The app's own forms refuse NUL
    in posted text with a form error (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or any("\x00" in key for key in request.GET):
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)

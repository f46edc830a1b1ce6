"""Who may open a back-office page: the one decorator every staff screen uses.

`staff_required(permission)`:
- anonymous → the back-office login (with `next`);
- a buyer's portal session (no staff user, `portal_order_id` in the session) → 403;
- a signed-in user who is not staff → 403; an inactive one is logged out → login;
- finance and admin staff (and superusers) → the two-factor step until a TOTP code was given in
  this session (enrolment first if they have none);
- staff without `permission` ("app.codename"; several may be given, all are needed) → 403;
- otherwise the view runs with the user's time zone and language active.

Checks name permissions, never group names, except for the roles that must use a second factor.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from retour.core import roles

PORTAL_SESSION_KEY = "portal_order_id"
OTP_SESSION_KEY = "backoffice_otp_user"
SECOND_FACTOR_ROLES = frozenset({roles.FINANCE, roles.ADMIN})


def needs_second_factor(user: Any) -> bool:
    """Finance, admin and superusers must confirm a TOTP code in every session."""
    cached = getattr(user, "_retour_needs_2fa", None)
    if cached is None:
        cached = bool(
            user.is_superuser or user.groups.filter(name__in=SECOND_FACTOR_ROLES).exists()
        )
        user._retour_needs_2fa = cached
    return cached


def second_factor_done(request: HttpRequest) -> bool:
    return request.session.get(OTP_SESSION_KEY) == request.user.pk


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    return render(request, "backoffice/403.html", {"message": message}, status=403)


def _redirect_with_next(request: HttpRequest, url_name: str) -> HttpResponse:
    url = reverse(url_name)
    return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def activate_preferences(request: HttpRequest) -> None:
    """Activate the staff member's time zone and language (their profile) for this request."""
    from retour.staff.selectors import profile_for

    profile = getattr(request, "staff_profile", None)
    if profile is None:
        profile = profile_for(request.user)
        request.staff_profile = profile
    zone = profile.time_zone if profile else "UTC"
    try:
        timezone.activate(zoneinfo.ZoneInfo(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.activate(zoneinfo.ZoneInfo("UTC"))
    request.staff_time_zone = timezone.get_current_timezone_name()
    if profile and profile.language:
        translation.activate(profile.language)
        request.LANGUAGE_CODE = translation.get_language()


def check_access(request: HttpRequest, permissions: Iterable[str] = ()) -> HttpResponse | None:
    """None when the request may proceed, else the response that refuses it."""
    user = request.user
    if user.is_authenticated and not user.is_active:
        logout(request)
        return _redirect_with_next(request, "backoffice:login")
    if not user.is_authenticated:
        if request.session.get(SESSION_KEY) is not None:
            # The session names a user the backend refused (deactivated, deleted): end it.
            request.session.flush()
            return _redirect_with_next(request, "backoffice:login")
        if request.session.get(PORTAL_SESSION_KEY) is not None:
            return forbidden(request)
        return _redirect_with_next(request, "backoffice:login")
    if not user.is_staff:
        return forbidden(request)
    if needs_second_factor(user) and not second_factor_done(request):
        return _redirect_with_next(request, "backoffice:two_factor")
    activate_preferences(request)
    if any(not user.has_perm(permission) for permission in permissions):
        return forbidden(request)
    return None


def staff_required(permission: str | Iterable[str] | None = None) -> Callable:
    """View decorator: see the module docstring. `permission` is "app.codename" (or several)."""
    if permission is None:
        permissions: tuple[str, ...] = ()
    elif isinstance(permission, str):
        permissions = (permission,)
    else:
        permissions = tuple(permission)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refusal = check_access(request, permissions)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapped.staff_permissions = permissions  # type: ignore[attr-defined]
        return wrapped

    return decorator


def require_warehouse(user: Any, warehouse: Any) -> None:
    """Raise PermissionDenied (a 403) unless `user` works at `warehouse` (an object or its id).

    Delegates to `retour.logistics.selectors.warehouses_for_user(user)`; admins and superusers
    see every warehouse through that selector.
    """
    try:
        from retour.logistics.selectors import warehouses_for_user
    except ImportError as error:  # the logistics issue adds it
        raise PermissionDenied("warehouse scoping is not available yet") from error
    warehouse_id = getattr(warehouse, "pk", warehouse)
    allowed = warehouses_for_user(user)
    if hasattr(allowed, "filter"):
        if not allowed.filter(pk=warehouse_id).exists():
            raise PermissionDenied("not your warehouse")
    elif warehouse_id not in {getattr(item, "pk", item) for item in allowed}:
        raise PermissionDenied("not your warehouse")

"""Staff login and logout, the TOTP step, and the language / time-zone preferences."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from retour.backoffice.access import (
    OTP_SESSION_KEY,
    forbidden,
    needs_second_factor,
    second_factor_done,
    staff_required,
)
from retour.backoffice.views._qr import qr_svg
from retour.staff import services as staff_services
from retour.staff.exceptions import InvalidTimeZone, InvalidTotpCode, NoTotpEnrolment


def _safe_next(request: HttpRequest, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("backoffice:home")


class StaffLoginView(auth_views.LoginView):
    template_name = "backoffice/registration/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        user = form.get_user()
        if not user.is_staff:
            form.add_error(None, _("This account has no access to the back office."))
            return self.form_invalid(form)
        self.request.session.pop(OTP_SESSION_KEY, None)
        response = super().form_valid(form)
        profile = staff_services.profile_ensure(user=user)
        if profile.language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, profile.language)
        return response

    def get_success_url(self) -> str:
        url = self.get_redirect_url() or reverse("backoffice:home")
        if needs_second_factor(self.request.user):
            return f"{reverse('backoffice:two_factor')}?next={url}"
        return url


class StaffLogoutView(auth_views.LogoutView):
    next_page = "backoffice:login"


def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol (first time) or verify a TOTP code; marks this session as second-factor checked."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return redirect("backoffice:login")
    if not user.is_staff:
        return forbidden(request)
    next_url = _safe_next(request)
    if not needs_second_factor(user) or second_factor_done(request):
        return HttpResponseRedirect(next_url)
    profile = staff_services.totp_begin_enrolment(user=user)
    error = ""
    if request.method == "POST":
        try:
            staff_services.totp_verify(user=user, code=request.POST.get("code", ""))
        except (InvalidTotpCode, NoTotpEnrolment) as refusal:
            error = str(refusal)
        else:
            request.session.cycle_key()
            request.session[OTP_SESSION_KEY] = user.pk
            return HttpResponseRedirect(next_url)
    context = {
        "enrolling": profile.totp_confirmed_at is None,
        "error": error,
        "next": next_url,
        "hide_nav": True,  # nothing behind the menu opens before the code is given
    }
    if context["enrolling"]:
        uri = staff_services.totp_uri(profile, username=user.get_username())
        context |= {
            "secret": profile.totp_secret,
            "uri": uri,
            "qr_svg": qr_svg(uri, title=_("Two-factor setup code")),
        }
    return render(
        request,
        "backoffice/registration/two_factor.html",
        context,
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required()
def preferences(request: HttpRequest) -> HttpResponse:
    """Language and time zone of this staff member (the header's switcher posts here too)."""
    from django.contrib import messages

    if request.method == "GET":
        return render(
            request,
            "backoffice/preferences.html",
            {
                "zones": sorted(zoneinfo.available_timezones()),
                "current_zone": request.staff_time_zone,
                "next": _safe_next(request),
            },
        )

    language = request.POST.get("language")
    time_zone = request.POST.get("time_zone")
    try:
        profile = staff_services.profile_update(
            user=request.user, language=language, time_zone=time_zone or None
        )
    except InvalidTimeZone as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(_safe_next(request))
    response = HttpResponseRedirect(_safe_next(request))
    if profile.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, profile.language)
    return response

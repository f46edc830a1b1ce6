"""The public return-policy page (HTML) and its JSON twin, for embedding in a store.

These views live here until the portal app exists; they only parse the request, call one
selector and `pages.policy_page`, and render. Public and read-only: no login, no personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from retour.core.exceptions import NotFound
from retour.markets.models import Market
from retour.markets.selectors import market_get, market_language
from retour.orders.selectors import store_get
from retour.policies.pages import PolicyPage, policy_page
from retour.policies.selectors import return_policy_version_at

CACHE_SECONDS = 300


def _language(request: HttpRequest, market: Market) -> str:
    """`?lang=` if the site serves it, else the browser's choice, else the market's language."""
    requested = request.GET.get("lang", "").strip()
    if requested:
        try:
            return translation.get_supported_language_variant(requested)
        except LookupError:
            pass
    if request.headers.get("Accept-Language") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return translation.get_language_from_request(request)
    return market_language(market=market)


def _page(request: HttpRequest, store_code: str, market_code: str) -> tuple[PolicyPage, str]:
    store = store_get(code=store_code)
    market = market_get(code=market_code)
    version = return_policy_version_at(store=store, market=market, at=timezone.now())
    language = _language(request, market)
    with translation.override(language):
        return policy_page(version=version), language


def _finish(response: HttpResponse, language: str) -> HttpResponse:
    response.headers["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_GET
def policy_page_html(request: HttpRequest, store_code: str, market_code: str) -> HttpResponse:
    try:
        page, language = _page(request, store_code, market_code)
    except NotFound as error:
        raise Http404(error.code) from error
    with translation.override(language):
        languages = [
            {"code": code, "name": translation.get_language_info(code)["name_local"]}
            for code, _name in settings.LANGUAGES
        ]
        response = render(
            request,
            "policies/policy_page.html",
            {
                "page": page,
                "language": language,
                "languages": languages,
                "json_url": reverse(
                    "policies:policy_json",
                    kwargs={"store_code": store_code, "market_code": market_code},
                ),
            },
        )
    return _finish(response, language)


@require_GET
def policy_page_json(request: HttpRequest, store_code: str, market_code: str) -> HttpResponse:
    try:
        page, language = _page(request, store_code, market_code)
    except NotFound as error:
        return JsonResponse({"error": error.as_dict()}, status=404)
    response = JsonResponse(page.as_dict(), json_dumps_params={"ensure_ascii": False})
    # Public data meant for embedding in a store on another origin.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _finish(response, language)

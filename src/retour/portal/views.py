"""The buyer's portal: parse the request, call one buyers/returns service or selector, render.

A buyer unlocks one order (lookup, one-time link or the status link of an e-mail); the session
then holds `portal_order_id` and every page reads only that order and its returns. Anything else
is answered as "not found".
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from retour.buyers import conversation as talk
from retour.buyers import selectors as buyers
from retour.buyers import services
from retour.buyers.exceptions import LinkInvalid, LookupFailed, LookupThrottled
from retour.core.actors import Actor
from retour.core.exceptions import ApplicationError
from retour.policies.selectors import return_reason_get
from retour.portal import forms
from retour.returns.choices import CaseStatus, ReturnMethod
from retour.returns.models import ReturnCase
from retour.returns.selectors import case_timeline

ORDER_KEY = "portal_order_id"
FLOW_KEY = "portal_flow"
DRAFT_KEY = "portal_draft_case_id"
WITHDRAW_KEY = "portal_withdrawal"


# Session and language ------------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _language(request: HttpRequest, order=None) -> str:
    """The buyer's explicit choice (switcher), else the browser's, else the order's market."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen or request.headers.get("Accept-Language"):
        return translation.get_language()
    if order is not None:
        return buyers.order_language(order)
    return translation.get_language()


def _open_session(request: HttpRequest, order) -> None:
    request.session.cycle_key()
    for key in (FLOW_KEY, DRAFT_KEY, WITHDRAW_KEY):
        request.session.pop(key, None)
    request.session[ORDER_KEY] = order.pk


def order_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        order_id = request.session.get(ORDER_KEY)
        if not order_id:
            return redirect("portal:home")
        try:
            request.order = buyers.order_get(order_id=order_id)
        except Exception:
            request.session.flush()
            return redirect("portal:home")
        language = _language(request, request.order)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> Actor:
    return Actor.customer(request.order.customer_id)


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("order", getattr(request, "order", None))
    context.setdefault("languages", _languages())
    response = render(request, template, context, status=status)
    response.headers["Content-Language"] = translation.get_language()
    response.headers["Cache-Control"] = "no-store"
    return response


def _languages() -> list[dict[str, str]]:
    return [
        {"code": code, "name": translation.get_language_info(code)["name_local"]}
        for code, _name in settings.LANGUAGES
    ]


# Lookup --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    form = forms.LookupForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_lookup(
                number=form.cleaned_data["number"],
                contact=form.cleaned_data["contact"],
                client_address=_client_address(request),
            )
        except LookupThrottled as refusal:
            error, status = str(refusal.message), 429
        except LookupFailed as refusal:
            error = str(refusal.message)
            if services.lookup_strict_mode():
                return _render(request, "portal/link_sent.html", {})
        else:
            if services.lookup_strict_mode():
                services.access_link_create(
                    order=order,
                    actor=Actor.customer(order.customer_id),
                    language=translation.get_language(),
                )
                return _render(request, "portal/link_sent.html", {})
            _open_session(request, order)
            return redirect("portal:order")
    elif request.method == "POST":
        status = 400
    return _render(
        request, "portal/home.html", {"form": form, "error": error, "order": None}, status=status
    )


def access_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        order = services.access_link_redeem(token=token)
    except LinkInvalid as refusal:
        return _render(request, "portal/message.html", {"message": refusal.message}, status=410)
    _open_session(request, order)
    return redirect("portal:order")


def status_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        order_id, case_id = services.status_token_read(token=token)
        order = buyers.order_get(order_id=order_id)
    except (LinkInvalid, Exception):
        return _render(request, "portal/message.html", {"message": LinkInvalid.message}, status=410)
    _open_session(request, order)
    if case_id:
        case = ReturnCase.objects.filter(pk=case_id, order_id=order_id).first()
        if case is not None:
            return redirect("portal:case", number=case.number)
    return redirect("portal:order")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("portal:home")


# The order -----------------------------------------------------------------------------------


@order_required
def order_page(request: HttpRequest) -> HttpResponse:
    preview = buyers.order_preview(order=request.order)
    form = forms.SelectLinesForm(preview=preview, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        lines = form.selected()
        request.session[FLOW_KEY] = {
            "queue": [line_id for line_id, _qty in lines],
            "lines": {str(line_id): {"qty": qty} for line_id, qty in lines},
            "chat": [],
            "step": talk.STEP_REASON,
            "steps": [],
        }
        _discard_draft(request)
        return redirect("portal:conversation")
    return _render(
        request,
        "portal/order.html",
        {
            "preview": preview,
            "form": form,
            "cases": buyers.cases_for_order(order_id=request.order.pk),
            "zone": preview.market.time_zone if preview.market else "UTC",
        },
    )


# The conversation ----------------------------------------------------------------------------


def _flow(request: HttpRequest) -> dict | None:
    flow = request.session.get(FLOW_KEY)
    return flow if flow and flow.get("lines") else None


def _line(request: HttpRequest, line_id: int):
    """One line of the unlocked order, read once per request (a page may ask several times)."""
    cache = request.__dict__.setdefault("_portal_lines", {})
    if line_id not in cache:
        cache[line_id] = request.order.lines.select_related("variant__product").get(pk=line_id)
    return cache[line_id]


def _reason_groups(request: HttpRequest):
    """The reason taxonomy, read once per request (the answer and the next question use it)."""
    if not hasattr(request, "_portal_reason_groups"):
        request._portal_reason_groups = buyers.reason_groups()
    return request._portal_reason_groups


def _question(request: HttpRequest, flow: dict) -> dict | None:
    """The current question: its step, the line it is about and what the form offers."""
    if not flow["queue"]:
        return None
    line_id = flow["queue"][0]
    line = _line(request, line_id)
    state = flow["lines"][str(line_id)]
    step = flow["step"]
    question = {"step": step, "line": line, "state": state}
    if step == talk.STEP_REASON:
        question["groups"] = _reason_groups(request)
    elif step == talk.STEP_EXCHANGE:
        question["options"] = buyers.exchange_options(order_line=line)
    elif step == talk.STEP_PROBLEM:
        reason = return_reason_get(code=state["reason"])
        question["photos_required"] = talk.photos_required(reason)
        question["photos"] = state.get("photos", 0)
    return question


def _advance(flow: dict) -> None:
    """Move to the next step of the current line, or to the next line."""
    if flow["steps"]:
        flow["step"] = flow["steps"].pop(0)
        return
    flow["queue"].pop(0)
    flow["step"] = talk.STEP_REASON
    flow["steps"] = []


def _drop_current(flow: dict, why: str) -> None:
    line_id = flow["queue"][0]
    flow["lines"][str(line_id)]["dropped"] = why
    flow["steps"] = []
    _advance(flow)


def _chat_entries(request: HttpRequest, flow: dict) -> list[dict]:
    """The conversation so far, questions and answers, in the page's language."""
    titles = {
        line.pk: line.title
        for line in request.order.lines.filter(pk__in=[int(key) for key in flow["lines"]])
    }
    entries = []
    for item in flow["chat"]:
        title = titles.get(item["line"], "")
        entries.append({"who": "bot", "text": _question_text(item["step"], title)})
        entries.append({"who": "me", "text": _answer_text(item)})
    return entries


def _question_text(step: str, title: str) -> str:
    texts = {
        talk.STEP_REASON: _("Why are you returning “%(item)s”?"),
        talk.STEP_EXCHANGE: _("Would another size or colour of “%(item)s” suit you better?"),
        talk.STEP_HOWTO: _(
            "Many questions about “%(item)s” are answered in its instructions: check the quick "
            "start guide in the box and the product page. Did that help?"
        ),
        talk.STEP_PROBLEM: _("What is wrong with “%(item)s”? Photos help us decide quickly."),
        talk.STEP_COMMENT: _("Anything else we should know about “%(item)s”?"),
    }
    return texts[step] % {"item": title}


def _answer_text(item: dict) -> str:
    value = item.get("value")
    step = item["step"]
    if step == talk.STEP_REASON:
        try:
            return return_reason_get(code=value).label
        except ApplicationError:
            return value
    if step == talk.STEP_EXCHANGE:
        if value == "no":
            return _("No, I prefer my money back.")
        if value == "help":
            return _("I would like to ask a person.")
        return _("Yes, send me %(variant)s instead.") % {"variant": item.get("label", "")}
    if step == talk.STEP_HOWTO:
        return {
            "solved": _("Yes, that solved it. I keep the item."),
            "help": _("I would like to ask a person."),
        }.get(value, _("No, I still want to return it."))
    if step == talk.STEP_PROBLEM and value == "help":
        return _("I would like to ask a person.")
    return value or _("Nothing to add.")


def _conversation_context(request: HttpRequest, flow: dict, error: str = "") -> dict:
    question = _question(request, flow)
    return {
        "flow": flow,
        "entries": _chat_entries(request, flow),
        "question": question,
        "error": error,
        "remaining": len(flow["queue"]),
        "photo_form": forms.PhotoForm(),
    }


@order_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest) -> HttpResponse:
    flow = _flow(request)
    if flow is None:
        return redirect("portal:order")
    error = ""
    if request.method == "POST" and flow["queue"]:
        error = _answer(request, flow)
        request.session[FLOW_KEY] = flow
        if not error and not flow["queue"]:
            target = "portal:resolution" if _kept_lines(flow) else "portal:order"
            if request.htmx:
                response = HttpResponse(status=204)
                response.headers["HX-Redirect"] = reverse(target)
                return response
            return redirect(target)
        if not error and not request.htmx:
            return redirect("portal:conversation")
    if not flow["queue"]:
        return redirect("portal:resolution" if _kept_lines(flow) else "portal:order")
    context = _conversation_context(request, flow, error)
    template = "portal/_chat.html" if request.htmx else "portal/conversation.html"
    return _render(request, template, context, status=400 if error else 200)


def _answer(request: HttpRequest, flow: dict) -> str:
    """Apply the buyer's answer to the current question; returns an error message or ""."""
    line_id = flow["queue"][0]
    state = flow["lines"][str(line_id)]
    step = flow["step"]
    value = request.POST.get("answer", "").strip()
    entry = {"line": line_id, "step": step, "value": value}
    if step == talk.STEP_REASON:
        choices = {leaf.code for group in _reason_groups(request) for leaf in group.leaves}
        if value not in choices:
            return _("Please choose a reason.")
        reason = return_reason_get(code=value)
        state["reason"] = value
        flow["chat"].append(entry)
        flow["steps"] = talk.follow_up_steps(reason)
        _advance(flow)
        return ""
    if value == "help":
        services.help_request_create(
            order=request.order,
            actor=_actor(request),
            order_line_id=line_id,
            reason_code=state.get("reason", ""),
            message=request.POST.get("message", ""),
            language=translation.get_language(),
        )
        flow["chat"].append(entry)
        _drop_current(flow, "help")
        return ""
    if step == talk.STEP_EXCHANGE:
        if value != "no":
            options = {
                str(option.variant.pk): option
                for option in buyers.exchange_options(order_line=_line(request, line_id))
                if option.in_stock
            }
            if value not in options:
                return _("Please choose one of the options.")
            state["exchange"] = int(value)
            entry["label"] = options[value].label
        flow["chat"].append(entry)
        _advance(flow)
        return ""
    if step == talk.STEP_HOWTO:
        flow["chat"].append(entry)
        if value == "solved":
            _drop_current(flow, "solved")
        else:
            _advance(flow)
        return ""
    if step == talk.STEP_PROBLEM:
        reason = return_reason_get(code=state["reason"])
        if not value:
            return _("Please describe the problem.")
        if talk.photos_required(reason) and not state.get("photos"):
            return _("Please add at least one photo.")
        state["problem"] = value[:2000]
        flow["chat"].append(entry)
        _advance(flow)
        return ""
    state["comment"] = value[:2000]
    flow["chat"].append(entry)
    _advance(flow)
    return ""


@order_required
@require_POST
def photo(request: HttpRequest) -> HttpResponse:
    flow = _flow(request)
    if flow is None or not flow["queue"]:
        raise Http404
    form = forms.PhotoForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        line_id = flow["queue"][0]
        try:
            services.photo_upload(
                order=request.order,
                order_line_id=line_id,
                upload=form.cleaned_data["photo"],
                actor=_actor(request),
            )
        except ApplicationError as refusal:
            error = str(refusal.message)
        else:
            state = flow["lines"][str(line_id)]
            state["photos"] = state.get("photos", 0) + 1
            request.session[FLOW_KEY] = flow
    else:
        error = _("Choose a photo to send.")
    if not error and not request.htmx:
        return redirect("portal:conversation")
    context = _conversation_context(request, flow, error)
    template = "portal/_chat.html" if request.htmx else "portal/conversation.html"
    return _render(request, template, context, status=400 if error else 200)


def _kept_lines(flow: dict) -> list[tuple[int, dict]]:
    return [
        (int(key), state)
        for key, state in flow["lines"].items()
        if not state.get("dropped") and state.get("reason")
    ]


# Resolution, summary, submission -------------------------------------------------------------


def _choices(flow: dict, exchange: dict[int, int] | None = None) -> list[services.ReturnChoice]:
    choices = []
    for line_id, state in _kept_lines(flow):
        variant = (exchange or {}).get(line_id, state.get("exchange"))
        answers = {key: state[key] for key in ("problem", "comment") if state.get(key)}
        comment = "\n".join(filter(None, [state.get("problem", ""), state.get("comment", "")]))
        choices.append(
            services.ReturnChoice(
                order_line_id=line_id,
                quantity=int(state["qty"]),
                reason_code=state["reason"],
                comment=comment,
                exchange_variant_id=variant,
                answers=answers,
            )
        )
    return choices


def _discard_draft(request: HttpRequest) -> None:
    draft_id = request.session.pop(DRAFT_KEY, None)
    if draft_id:
        case = ReturnCase.objects.filter(pk=draft_id, order_id=request.order.pk).first()
        if case is not None:
            services.return_draft_discard(case=case, actor=_actor(request))


@order_required
@require_http_methods(["GET", "POST"])
def resolution(request: HttpRequest) -> HttpResponse:
    flow = _flow(request)
    if flow is None or not _kept_lines(flow):
        return redirect("portal:order")
    version = buyers.order_policy_version(order=request.order)
    kept = _kept_lines(flow)
    lines = [
        {
            "line": _line(request, line_id),
            "state": state,
            "options": buyers.exchange_options(order_line=_line(request, line_id)),
        }
        for line_id, state in kept
    ]
    allowed = buyers.resolutions_for(version, [state["reason"] for _line_id, state in kept])
    methods = _allowed_methods(version)
    form = forms.ResolutionForm(
        resolutions=allowed, methods=methods, lines=lines, data=request.POST or None
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        _discard_draft(request)
        try:
            case = services.return_draft_create(
                order=request.order,
                actor=_actor(request),
                choices=_choices(flow, form.exchange_variants()),
                resolution=form.cleaned_data["resolution"],
                return_method=form.cleaned_data["method"],
                language=translation.get_language(),
            )
        except ApplicationError as refusal:
            error = str(refusal.message)
        else:
            request.session[DRAFT_KEY] = case.pk
            return redirect("portal:summary")
    bonus = buyers.store_credit_bonus_bps(version)
    return _render(
        request,
        "portal/resolution.html",
        {
            "form": form,
            "lines": lines,
            "bonus_percent": bonus / 100 if bonus else 0,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


def _allowed_methods(version) -> list[str]:
    methods = list(version.return_methods or []) if version is not None else []
    return [m for m in methods if m in ReturnMethod.values] or [ReturnMethod.LABEL]


def _draft(request: HttpRequest) -> ReturnCase | None:
    draft_id = request.session.get(DRAFT_KEY)
    if not draft_id:
        return None
    case = ReturnCase.objects.filter(
        pk=draft_id, order_id=request.order.pk, status=CaseStatus.DRAFT
    ).first()
    if case is not None:
        case.order = request.order  # the order this session unlocked: no second read
    return case


@order_required
@require_http_methods(["GET", "POST"])
def summary(request: HttpRequest) -> HttpResponse:
    case = _draft(request)
    if case is None:
        return redirect("portal:order")
    if request.method == "POST":
        try:
            submission = services.return_submit(
                case=case,
                actor=_actor(request),
                expected_version=int(request.POST.get("version") or case.version),
            )
        except ApplicationError as refusal:
            return _render(request, "portal/message.html", {"message": refusal.message}, status=409)
        request.session.pop(DRAFT_KEY, None)
        request.session.pop(FLOW_KEY, None)
        return redirect("portal:case", number=submission.case.number)
    money = buyers.settlement_preview(case=case)
    return _render(
        request,
        "portal/summary.html",
        {
            "case": case,
            "lines": case.lines.select_related("order_line", "exchange_variant"),
            "money": money,
        },
    )


# The return's page ---------------------------------------------------------------------------


def _case(request: HttpRequest, number: str) -> ReturnCase:
    try:
        return buyers.case_for_order(order_id=request.order.pk, number=number)
    except ApplicationError:
        raise Http404 from None


def _keep_it_offered(
    case: ReturnCase, decision: buyers.RulesDecision, lines: list | None = None
) -> bool:
    """The rules offered keep-it, or every line is worth less than the policy's keep-it
    threshold; only while the approved goods have not been sent."""
    if case.status != CaseStatus.APPROVED or case.in_transit_at:
        return False
    if decision.keep_it_offered:
        return True
    threshold = buyers.keep_it_threshold(case.policy_version, case.currency)
    if threshold is None:
        return False
    lines = list(case.lines.all()) if lines is None else lines
    return all(
        (line.unit_basis.get("net_minor", 0) + line.unit_basis.get("tax_minor", 0))
        * line.quantity_requested
        < threshold.amount_minor
        for line in lines
    )


@order_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if case.status == CaseStatus.DRAFT:
        return redirect("portal:summary")
    language = translation.get_language()
    decision = buyers.case_rules_decision(case)
    zone = case.market.time_zone if case.market else "UTC"
    # One read of the lines for the list and the keep-it test.
    lines = list(case.lines.select_related("order_line", "exchange_variant"))
    return _render(
        request,
        "portal/case.html",
        {
            "case": case,
            "zone": zone,
            "lines": lines,
            "timeline": case_timeline(case=case, language=language, audience="customer"),
            "refusals": buyers.case_refusals(case)
            if case.status in (CaseStatus.REJECTED, CaseStatus.PENDING_REVIEW)
            else [],
            "documents": buyers.case_documents(case),
            "explanation": decision.explanation,
            "keep_it": _keep_it_offered(case, decision, lines),
            "review_hours": case.market.first_response_hours if case.market else 24,
            "money": buyers.settlement_preview(case=case)
            if case.status in (CaseStatus.PENDING_REVIEW, CaseStatus.APPROVED)
            else None,
        },
    )


@order_required
@require_POST
def keep_it(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    if not _keep_it_offered(case, buyers.case_rules_decision(case)):
        raise Http404
    try:
        claim = services.keep_it_choose(case=case, actor=_actor(request))
    except ApplicationError as refusal:
        return _render(request, "portal/message.html", {"message": refusal.message}, status=409)
    return _render(request, "portal/kept.html", {"case": case, "claim": claim})


@order_required
def document(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    case = _case(request, number)
    try:
        pdf = buyers.case_document(case=case, kind=kind, language=translation.get_language())
    except ApplicationError:
        pdf = None
    if pdf is None:
        raise Http404
    response = HttpResponse(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{case.number}-{kind}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


# Statutory withdrawal (EU/UK) ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    """Step 1: identify the order and the contact for the acknowledgement."""
    form = forms.WithdrawalIdentifyForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_lookup(
                number=form.cleaned_data["number"],
                contact=form.cleaned_data["contact"],
                client_address=_client_address(request),
            )
        except LookupThrottled as refusal:
            error, status = str(refusal.message), 429
        except LookupFailed as refusal:
            error, status = str(refusal.message), 200
        else:
            preview = buyers.order_preview(order=order)
            if not preview.withdrawal_available:
                error = _(
                    "The statutory withdrawal period for this order is over, or the law of its "
                    "country gives no such right. You can still ask for a return under the "
                    "store's policy."
                )
            else:
                _open_session(request, order)
                request.session[WITHDRAW_KEY] = {
                    "name": form.cleaned_data["name"],
                    "email": form.cleaned_data["email"],
                }
                return redirect("portal:withdraw_confirm")
    elif request.method == "POST":
        status = 400
    return _render(
        request,
        "portal/withdraw.html",
        {"form": form, "error": error, "order": None},
        status=status,
    )


@order_required
@require_http_methods(["GET", "POST"])
def withdraw_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: the summary and the "Confirm withdrawal" button."""
    contact = request.session.get(WITHDRAW_KEY)
    if not contact:
        return redirect("portal:withdraw")
    preview = buyers.order_preview(order=request.order)
    if request.method == "POST":
        try:
            withdrawal = services.withdrawal_confirm(
                order=request.order,
                actor=_actor(request),
                name=contact["name"],
                email=contact["email"],
                language=translation.get_language(),
            )
        except ApplicationError as refusal:
            return _render(request, "portal/message.html", {"message": refusal.message}, status=409)
        request.session.pop(WITHDRAW_KEY, None)
        return redirect("portal:withdraw_done", number=withdrawal.number)
    return _render(
        request,
        "portal/withdraw_confirm.html",
        {
            "preview": preview,
            "contact": contact,
            "zone": preview.market.time_zone if preview.market else "UTC",
        },
    )


@order_required
def withdraw_done(request: HttpRequest, number: str) -> HttpResponse:
    try:
        withdrawal = buyers.withdrawal_get(order=request.order, number=number)
    except Exception:
        raise Http404 from None
    market = buyers.order_market(request.order)
    return _render(
        request,
        "portal/withdraw_done.html",
        {"withdrawal": withdrawal, "zone": market.time_zone if market else "UTC"},
    )


@order_required
def withdraw_pdf(request: HttpRequest, number: str) -> HttpResponse:
    from retour.buyers.documents import withdrawal_acknowledgement_pdf

    try:
        withdrawal = buyers.withdrawal_get(order=request.order, number=number)
    except Exception:
        raise Http404 from None
    response = HttpResponse(
        withdrawal_acknowledgement_pdf(withdrawal), content_type="application/pdf"
    )
    response.headers["Content-Disposition"] = f'inline; filename="withdrawal-{number}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response

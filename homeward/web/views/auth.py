"""Sign-in and sign-out pages."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render, resolve_url
from django.utils import translation
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from homeward.accounts.services import login_authenticate, user_set_language
from homeward.core.errors import ApplicationError

from ..forms.auth import LoginForm
from ._common import client_ip, safe_next

# Session key set at sign-out, until the next sign-in starts a new session.
SIGNED_OUT = "homeward_signed_out"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    home = resolve_url(settings.LOGIN_REDIRECT_URL)
    if request.user.is_authenticated:
        return redirect(safe_next(request, home))
    # Someone signed out in this browser: a page left open or the back button must not
    # send the next person who signs in to the previous user's page.
    signed_out = request.session.get(SIGNED_OUT, False)
    if signed_out and request.GET.get("next"):
        return redirect("web:login")
    next_url = home if signed_out else safe_next(request, home)
    form = LoginForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            user = login_authenticate(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip_address=client_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(NON_FIELD_ERRORS, exc.message)
            status = exc.status_code
        else:
            login(request, user)
            request.session.pop(SIGNED_OUT, None)
            return _with_users_language(redirect(next_url), user)
    next_field = "" if signed_out else request.POST.get("next") or request.GET.get("next", "")
    context = {"form": form, "next": next_field}
    return render(request, "web/login.html", context, status=status)


def _with_users_language(response, user):
    """On a shared computer the language cookie is the previous user's choice: the user
    who signs in gets their own saved language instead."""
    language = user.language if check_for_language(user.language or "") else ""
    if not language:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )
    return response


@require_POST
def language_view(request):
    """Django's language switch, which also saves the choice on a signed-in user."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and check_for_language(language):
        user_set_language(actor=request.user, language=language)
    return response


@require_POST
def logout_view(request):
    logout(request)
    request.session[SIGNED_OUT] = True
    # Always the plain sign-in page: never a `next` back to the previous user's page.
    return redirect("web:login")

"""Sign-in and sign-out pages."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from homeward.accounts.services import login_authenticate
from homeward.core.errors import ApplicationError

from ..forms.auth import LoginForm
from ._common import client_ip, safe_next


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    next_url = safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.user.is_authenticated:
        return redirect(next_url)
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
            response = redirect(next_url)
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and user.language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    user.language,
                    samesite="Lax",
                    httponly=False,
                )
            return response
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "web/login.html", context, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect, requires_csrf_token
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from jss.accounts import services
from jss.accounts.access import get_invited_user, is_caseworker, membership_of
from jss.accounts.forms import ChangePasswordForm, SignInForm, username_attempted
from jss.accounts.queries import casework_counts, home_context


def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "accounts/landing.html", {"signed_in_without_membership": request.user.is_authenticated})
    context = home_context(membership, today=timezone.localdate())
    if is_caseworker(request.user):
        context["work"] = casework_counts(request.user)
    return render(request, f"accounts/home_{membership.role}.html", context)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    blocked = False
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST":
        form = SignInForm(request, data=request.POST)
        username = username_attempted(form)
        if services.sign_in_blocked(username=username):
            services.record_failed_sign_in(username=username, blocked=True)
            form = SignInForm(request, initial={"username": username})
            blocked = True
        elif form.is_valid():
            services.sign_in(request, user=form.get_user())
            return HttpResponseRedirect(next_url or "/")
        else:
            services.record_failed_sign_in(username=username)
    else:
        form = SignInForm(request)
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "next": next_url,
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "blocked_minutes": settings.SIGN_IN_WINDOW_MINUTES if blocked else None,
        },
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:sign_in")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ChangePasswordForm(request.user, request.POST)
        if form.is_valid():
            services.change_password(request, user=form.user, new_password=form.cleaned_data["new_password1"])
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    else:
        form = ChangePasswordForm(request.user)
    return render(request, "accounts/password_change.html", {"form": form})


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = get_invited_user(uidb64, token)
    form = SetPasswordForm(user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "krds-input"
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(request, user=user, new_password=form.cleaned_data["new_password1"])
        messages.success(request, _("Welcome to JSS. Your password is set."))
        return redirect("home")
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"membership": membership_of(request.user)})


# Error pages: friendly, in the visitor's language, and they show nothing of the request.
@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the failure may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)

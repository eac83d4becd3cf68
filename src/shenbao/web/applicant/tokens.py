"""The user's API tokens on their profile: list, create (the key is shown once), revoke."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shenbao.accounts.services.api_tokens import TokenRefused, create_api_token, revoke_api_token, user_tokens
from shenbao.calls.queries.two_factor import lacks_required_two_factor
from shenbao.web.common import acting_user


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("What uses it, e.g. “reporting script”.")
    )
    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=3660, initial=365)


@never_cache  # the page that shows a new key must not be kept by any cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    status = 200
    # Staff must log in with two factors: a token would let them skip the second one.
    needs_two_factor = lacks_required_two_factor(user)
    if request.method == "POST" and needs_two_factor:
        status = 403  # the page says why and offers the set-up instead of the form
    elif request.method == "POST":
        if form.is_valid():
            try:
                issued = create_api_token(user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
            except TokenRefused as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                new_key = issued.key
                form = ApiTokenForm()
        else:
            status = 400
    context = {
        "form": form,
        "tokens": list(user_tokens(user=user)),
        "new_key": new_key,
        "now": timezone.now(),
        "needs_two_factor": needs_two_factor,
    }
    return render(request, "web/applicant/api_tokens.html", context, status=status)


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, token_pk: int) -> HttpResponse:
    user = acting_user(request)
    token = user_tokens(user=user).filter(pk=token_pk).first()  # only one's own tokens
    if token is None:
        raise Http404(_("No such token."))
    revoke_api_token(token=token, actor=user)
    return redirect("web:api_tokens")

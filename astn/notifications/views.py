from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView

from astn.accounts.models import User
from astn.notifications import links, selectors, services, settings_sections
from astn.notifications.forms import NotificationSettingsForm, PrivacySettingsForm
from astn.notifications.unsubscribe import (
    Category,
    categories,
    category_get,
    changes_for,
    digest_offered,
)

# --- /me/settings/ ------------------------------------------------------------------------


class MemberSettingsView(LoginRequiredMixin, View):
    """Email and privacy choices, plus the sections other apps add (muted orgs)."""

    template_name = "notifications/settings_edit.html"

    def _forms(self, data=None):
        user = self.request.user
        prefs = selectors.notification_settings_get(user=user)
        privacy = selectors.privacy_settings_get(user=user)
        return (
            NotificationSettingsForm(data, instance=prefs, prefix="notify"),
            PrivacySettingsForm(data, instance=privacy, prefix="privacy"),
        )

    def _render(self, notify_form, privacy_form, status=200):
        context = {
            "notify_form": notify_form,
            "privacy_form": privacy_form,
            "sections": settings_sections.sections_for(self.request),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(*self._forms())

    def post(self, request: HttpRequest) -> HttpResponse:
        notify_form, privacy_form = self._forms(request.POST)
        if not (notify_form.is_valid() and privacy_form.is_valid()):
            messages.error(request, "Please check the highlighted choices.")
            return self._render(notify_form, privacy_form, status=400)
        try:
            services.member_settings_update(
                user=request.user, **notify_form.cleaned_data, **privacy_form.cleaned_data
            )
        except services.PreferencesError as exc:
            messages.error(request, str(exc))
            return self._render(notify_form, privacy_form, status=400)
        messages.success(request, "Your settings are saved.")
        return redirect("notifications:settings")


# --- /notifications/ ----------------------------------------------------------------------


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_count"] = selectors.notification_unread_count(user=self.request.user)
        return context


def _back_to_list(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next", "")
    if next_url.startswith("/notifications/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        return redirect(next_url)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark a notification read and go where it points (POST: reading changes state)."""
    notification = selectors.access_notification(user=request.user, notification_id=notification_id)
    services.notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return _back_to_list(request)


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.access_notification(user=request.user, notification_id=notification_id)
    services.notification_mark_read(notification=notification)
    if request.htmx:
        response = render(
            request,
            "notifications/partials/_notification.html",
            {
                "notification": notification,
                "next": request.POST.get("next", ""),
                "oob": True,
                "unread_count": selectors.notification_unread_count(user=request.user),
            },
        )
        response["HX-Trigger"] = "notificationsChanged"  # the bell re-counts
        return response
    return _back_to_list(request)


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notifications:list")


def notification_bell(request: HttpRequest) -> HttpResponse:
    """The navbar bell, re-fetched by htmx every minute.

    A signed-out visitor (say, a session that expired in an open tab) gets 204,
    which htmx leaves alone, rather than a login page swapped into the navbar.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    response = render(request, "partials/_bell.html")
    response["Cache-Control"] = "no-store"
    return response


# --- /u/<token>/ --------------------------------------------------------------------------


def _unsubscribe_error(request, error: links.LinkError, status: int = 400) -> HttpResponse:
    return links.link_error_response(
        request,
        error,
        status=status,
        hint="You can always choose what we send you in your settings, after logging in.",
        action_label="Go to your settings",
        action_url=reverse("notifications:settings"),
    )


@links.token_page
@csrf_exempt  # RFC 8058: mail clients POST without a session; the signed token authenticates.
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link switches off; POST switches it off (idempotently)."""
    try:
        payload = links.read_token("unsubscribe", token)
    except links.LinkError as exc:
        return _unsubscribe_error(request, exc)
    category = payload.get("c")
    user = (
        User.objects.filter(pk=payload.get("u"), is_active=True)
        .select_related("notification_settings")
        .first()
    )
    if user is None or category not in categories:
        return _unsubscribe_error(
            request, links.LinkInvalid("This link no longer works: the account is gone."), 404
        )
    prefs = selectors.notification_settings_get(user=user)  # GET writes nothing
    changes = changes_for(prefs, category)
    context = {
        "category": category_get(category),
        "changes": changes,
        "pending": [change for change in changes if change.is_change],
        "settings_url": reverse("notifications:settings"),
    }
    if request.method == "POST" and request.POST.get("choice") == "digest":
        # The member's own click on "weekly digest instead" (never the one-click POST).
        if category == Category.ANNOUNCEMENTS:
            services.unsubscribe_apply(user=user, category=category)
            context["digest_chosen"] = services.digest_instead(user=user)
        return render(request, "notifications/unsubscribe_done.html", context)
    if request.method == "POST":
        context["changed"] = services.unsubscribe_apply(user=user, category=category)
        prefs = selectors.notification_settings_get(user=user)
        context["offer_digest"] = digest_offered(prefs, category)
        context["token"] = token
        return render(request, "notifications/unsubscribe_done.html", context)
    context["token"] = token
    return render(request, "notifications/unsubscribe_confirm.html", context)

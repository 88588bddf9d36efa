"""The calendar-sync section of the org settings page: lu.ma key, iCal feed, "Sync now".

The section itself is rendered by `orgs` (an `orgs.extensions.SettingsSection`
registered in `events.apps`); these views take its forms' POSTs and redirect back to
`/orgs/<slug>/admin/settings/#calendar`. Changing the lu.ma key asks for the
password again (allauth re-authentication), as every key change does (DESIGN §12).
"""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import View

from events import services
from events.crypto import SecretUnreadable, decrypt, mask
from events.errors import SourceError
from events.forms import IcsFeedForm, LumaKeyForm
from events.models import Event
from events.selectors import sync_log_latest, sync_log_list
from orgs.permissions import OrgAdminRequiredMixin


def settings_url(org) -> str:
    return f"/orgs/{org.slug}/admin/settings/#calendar"


def masked_key(org) -> str:
    if not org.luma_api_key_encrypted:
        return ""
    try:
        return mask(decrypt(org.luma_api_key_encrypted))
    except SecretUnreadable:
        return "(unreadable — enter it again)"


def calendar_settings_context(request, org) -> dict:
    """Context of the settings section (`events/partials/_settings_calendar.html`)."""
    return {
        "luma_key_masked": masked_key(org),
        "luma_form": _redisplayed(request, "luma", LumaKeyForm) or LumaKeyForm(),
        "ics_form": _redisplayed(request, "ics", IcsFeedForm)
        or IcsFeedForm(initial={"url": org.ics_feed_url}),
        "ics_feed_url": org.ics_feed_url,
        "luma_last": sync_log_latest(org=org, source=Event.Source.LUMA),
        "ical_last": sync_log_latest(org=org, source=Event.Source.ICAL),
        "logs": sync_log_list(org=org, limit=8),
        "has_sources": bool(org.luma_api_key_encrypted or org.ics_feed_url),
    }


# A refused form, kept in the session across the redirect back to the settings page so it
# is shown again with what was typed and the error under its field (not in a banner).
_REDISPLAY = "events.calendar_form"


def _keep_for_redisplay(request, *, name: str, data: dict, field: str, error: str) -> None:
    request.session[_REDISPLAY] = {"name": name, "data": data, "field": field, "error": error}


def _redisplayed(request, name: str, form_class):
    """Return the refused `name` form, bound to what was typed and with its error, or None."""
    kept = request.session.get(_REDISPLAY) if request is not None else None
    if not kept or kept.get("name") != name:
        return None
    del request.session[_REDISPLAY]
    form = form_class(data=kept["data"])
    form.is_valid()  # binds the typed value; the kept error replaces whatever this finds
    form.errors[kept["field"]] = form.error_class([kept["error"]])
    return form


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return "Check the form."


@method_decorator(reauthentication_required, name="post")
class LumaKeyView(OrgAdminRequiredMixin, View):
    """POST `api_key` to set the key (checked with lu.ma first), or `remove` to forget it."""

    permission = "org.settings"

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST:
            services.luma_key_remove(org=self.org, acting_user=request.user)
            messages.success(request, "The lu.ma key is removed. Synced events stay as they are.")
            return redirect(settings_url(self.org))
        form = LumaKeyForm(request.POST)
        # The key itself is never echoed back into the page; its error is.
        if not form.is_valid():
            _keep_for_redisplay(
                request, name="luma", data={}, field="api_key", error=_first_error(form)
            )
            return redirect(settings_url(self.org))
        try:
            services.luma_key_set(
                org=self.org, acting_user=request.user, api_key=form.cleaned_data["api_key"]
            )
        except SourceError as error:
            _keep_for_redisplay(request, name="luma", data={}, field="api_key", error=str(error))
        else:
            messages.success(request, "lu.ma key saved. Events are being synced.")
        return redirect(settings_url(self.org))


class IcsFeedView(OrgAdminRequiredMixin, View):
    """POST `url` to set the iCal feed (fetched and parsed first), or `remove` to forget it."""

    permission = "org.settings"

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST:
            services.ics_feed_remove(org=self.org, acting_user=request.user)
            messages.success(request, "The iCal feed is removed. Its events stay as they are.")
            return redirect(settings_url(self.org))
        form = IcsFeedForm(request.POST)
        typed = {"url": request.POST.get("url", "")[:2000]}
        if not form.is_valid():
            _keep_for_redisplay(
                request, name="ics", data=typed, field="url", error=_first_error(form)
            )
            return redirect(settings_url(self.org))
        try:
            services.ics_feed_set(
                org=self.org, acting_user=request.user, url=form.cleaned_data["url"]
            )
        except SourceError as error:
            _keep_for_redisplay(
                request,
                name="ics",
                data=typed,
                field="url",
                error=f"The feed was not saved: {error}",
            )
        else:
            messages.success(request, "iCal feed saved. Its events are being imported.")
        return redirect(settings_url(self.org))


class SyncNowView(OrgAdminRequiredMixin, View):
    permission = "org.settings"

    def post(self, request, *args, **kwargs):
        try:
            services.calendar_sync_request(org=self.org, acting_user=request.user)
        except SourceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Sync started. The result appears below in a moment.")
        return redirect(settings_url(self.org))

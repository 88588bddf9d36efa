"""Public community pages: join (double opt-in), the round intake, member settings,
one-click unsubscribe and "Did you meet?".

Pages reached from an email carry a signed token (`communities.links`) and may
be used without logging in; a token never logs anyone in. With a token the page
sends `Referrer-Policy: no-referrer`, and its POST is authorised by the token
alone, so it is CSRF-exempt (docs/architecture.md, "Token links and CSRF").
Without a token the same pages work for the signed-in member, with the usual
CSRF check.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from astn.notifications import links as signed
from communities import intake, links
from communities.errors import CommunityError
from communities.forms import DateForm, IntakeForm, JoinForm, NeverPairForm
from communities.models import CommunityMember, Match, MatchSeat, Round, RoundParticipant
from communities.selectors import past_partners, public_community
from communities.services import followup, members, rounds
from communities.services.mailing import local_date


def _csrf_failure(request) -> HttpResponse | None:
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {})


def _private(response: HttpResponse, *, token: bool) -> HttpResponse:
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer" if token else "strict-origin"
    return response


def _link_error(request, error: Exception, *, status: int = 400, hint: str = "") -> HttpResponse:
    error = error if isinstance(error, signed.LinkError) else signed.LinkError(str(error))
    return signed.link_error_response(request, error, status=status, hint=hint)


# --- join ------------------------------------------------------------------------------------


def join_view(request, slug: str):
    """The landing page: a form (double opt-in), or one click for a signed-in person."""
    community = public_community(slug=slug)
    user = request.user if request.user.is_authenticated else None
    member = (
        CommunityMember.objects.filter(community=community, membership__user=user)
        .exclude(status=CommunityMember.Status.REMOVED)
        .first()
        if user
        else None
    )
    form = JoinForm()
    if request.method == "POST":
        if user is not None:
            try:
                member, _ = members.community_join(community=community, user=user)
            except CommunityError as error:
                messages.error(request, str(error))
                return redirect("communities:join", slug=slug)
            return _render_joined(request, community, member)
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                members.community_join_request(community=community, **form.cleaned_data)
            except CommunityError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                return redirect(reverse("communities:join", kwargs={"slug": slug}) + "?sent=1")
    context = {
        "community": community,
        "org": community.org,
        "form": form,
        "member": member,
        "sent": request.GET.get("sent") == "1",
        "next_round": community.next_round_opens(),
        "open_round": _open_round(community),
        "questions": intake.clean_questions(community.intake_questions),
    }
    return render(request, "communities/join.html", context)


def _open_round(community) -> Round | None:
    return Round.objects.filter(
        community=community, status=Round.Status.OPEN, signup_deadline__gt=timezone.now()
    ).first()


def _render_joined(request, community, member, *, token: bool = False) -> HttpResponse:
    open_round = _open_round(community)
    participant = (
        RoundParticipant.objects.filter(round=open_round, member=member).first()
        if open_round
        else None
    )
    context = {
        "community": community,
        "org": community.org,
        "member": member,
        "next_round": community.next_round_opens(),
        "open_round": open_round,
        "round_url": links.round_path(participant) if participant else "",
        "settings_url": links.member_path(member),
    }
    return _private(render(request, "communities/join_done.html", context), token=token)


@csrf_exempt
def join_confirm_view(request, slug: str, token: str):
    """GET asks to confirm (mail scanners open links); POST puts the person in."""
    community = public_community(slug=slug)
    try:
        payload = signed.read_token(links.JOIN, token)
        if payload.get("c") != community.pk:
            raise signed.LinkInvalid("This link is for another community.")
    except signed.LinkError as error:
        return _private(
            _link_error(request, error, hint="Ask to join again from the community's page."),
            token=True,
        )
    if request.method == "POST":
        try:
            member, _ = members.community_join(
                community=community,
                email=payload.get("e", ""),
                name=payload.get("n", ""),
                phone=payload.get("p", ""),
            )
        except CommunityError as error:
            return _private(_link_error(request, error, status=409), token=True)
        return _render_joined(request, community, member, token=True)
    context = {"community": community, "org": community.org, "email": payload.get("e", "")}
    return _private(render(request, "communities/join_confirm.html", context), token=True)


# --- who is asking -------------------------------------------------------------------------


class _Denied(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _member_from_request(request, community) -> tuple[CommunityMember, bool]:
    """(member, via_token) from `?t=` (purpose community-member) or the session."""
    token = request.GET.get("t", "")
    if token:
        try:
            payload = signed.read_token(links.MEMBER, token)
        except signed.LinkError as error:
            raise _Denied(_link_error(request, error)) from None
        member = (
            CommunityMember.objects.filter(pk=payload.get("m"), community=community)
            .select_related("membership", "community__org")
            .first()
        )
        if member is None or member.membership.anonymised_at is not None:
            raise _Denied(
                _link_error(request, signed.LinkError("This link no longer works."), status=404)
            )
        return member, True
    if not request.user.is_authenticated:
        raise _Denied(redirect_to_login(request.get_full_path()))
    member = (
        CommunityMember.objects.filter(community=community, membership__user=request.user)
        .select_related("membership", "community__org")
        .first()
    )
    if member is None:
        raise Http404("You are not in this community.")
    return member, False


def _participant_from_request(request, community, month: str) -> tuple[RoundParticipant, bool]:
    token = request.GET.get("t", "")
    if token:
        try:
            payload = signed.read_token(links.ROUND, token)
        except signed.LinkError as error:
            raise _Denied(_link_error(request, error)) from None
        participant = (
            RoundParticipant.objects.filter(pk=payload.get("p"), round_id=payload.get("r"))
            .select_related("round__community__org", "member__membership")
            .first()
        )
        if participant is None or participant.round.community_id != community.pk:
            raise _Denied(
                _link_error(request, signed.LinkError("This link no longer works."), status=404)
            )
        if participant.round.slug != month:
            raise _Denied(
                _link_error(
                    request,
                    signed.LinkInvalid(
                        f"This link is for the {participant.round.month:%B %Y} round, not this one."
                    ),
                    hint="Use the link from the newest invitation.",
                )
            )
        if participant.member.status == CommunityMember.Status.REMOVED:
            raise _Denied(
                _link_error(
                    request,
                    signed.LinkError("You have left this community, so this link is closed."),
                    status=404,
                    hint="Join again from the community's page if you'd like to come back.",
                )
            )
        return participant, True
    member, _ = _member_from_request(request, community)
    round_ = Round.objects.filter(community=community, month=_month_date(month)).first()
    if round_ is None:
        raise Http404("No such round.")
    if member.status == CommunityMember.Status.REMOVED:
        raise _Denied(
            _link_error(
                request,
                signed.LinkError("You have left this community."),
                status=404,
                hint="Join again from the community's page if you'd like to come back.",
            )
        )
    participant = RoundParticipant.objects.filter(round=round_, member=member).first()
    if participant is None:
        # GET never writes: the row is created when they actually say yes (POST).
        participant = RoundParticipant(round=round_, member=member)
        if request.method == "POST":
            participant, _ = RoundParticipant.objects.get_or_create(round=round_, member=member)
    participant.round = round_
    return participant, False


def _month_date(month: str):
    import datetime

    try:
        return datetime.datetime.strptime(month + "-01", "%Y-%m-%d").date()
    except ValueError:
        raise Http404("No such round.") from None


# --- round -----------------------------------------------------------------------------------


@csrf_exempt
def round_view(request, slug: str, month: str):
    """The round's intake and availability picker (GET shows, POST saves)."""
    community = public_community(slug=slug)
    try:
        participant, via_token = _participant_from_request(request, community, month)
    except _Denied as denied:
        return _private(denied.response, token=True)
    if request.method == "POST" and not via_token:
        failure = _csrf_failure(request)
        if failure is not None:
            return failure
    round_ = participant.round
    questions = intake.clean_questions(community.intake_questions)
    previous = participant if participant.intake_completed_at else None
    previous = previous or rounds.previous_answers(participant.member, before=round_)
    zone = (previous.availability.get("timezone") if previous else "") or ""
    if request.method == "POST":
        form = IntakeForm(request.POST, questions=questions)
        if form.is_valid():
            answers, errors = intake.clean_answers(questions, request.POST)
            for qid, message in errors.items():
                form.add_error(f"answer_{qid}", message)
            if not errors:
                try:
                    rounds.intake_submit(
                        participant=participant,
                        answers=answers,
                        availability_raw=form.cleaned_data["availability"],
                    )
                except CommunityError as error:
                    field = error.field if error.field in form.fields else None
                    form.add_error(field, str(error))
                else:
                    context = {
                        "community": community,
                        "org": community.org,
                        "round": round_,
                        "match_date": local_date(round_.match_at, _zone_of(request, community)),
                        "settings_url": links.member_path(participant.member),
                    }
                    return _private(
                        render(request, "communities/round_done.html", context), token=via_token
                    )
        availability_json = request.POST.get("availability", "")
    else:
        initial = {}
        if previous:
            for q in questions:
                initial[f"answer_{q['id']}"] = previous.answers.get(q["id"])
        form = IntakeForm(initial=initial, questions=questions)
        availability_json = json.dumps(previous.availability) if previous else ""
    closed = round_.status != Round.Status.OPEN or timezone.now() > round_.signup_deadline
    context = {
        "community": community,
        "org": community.org,
        "round": round_,
        "form": form,
        "closed": closed,
        "availability_json": availability_json,
        "zone": zone,
        "already_done": participant.intake_completed_at is not None,
        "deadline": local_date(round_.signup_deadline, zone or community.timezone),
        "settings_url": links.member_path(participant.member),
        "timezones": availability_zones(),
    }
    return _private(render(request, "communities/round_intake.html", context), token=via_token)


def availability_zones() -> list[str]:
    import zoneinfo

    return sorted(z for z in zoneinfo.available_timezones() if "/" in z and "Etc" not in z)


def _zone_of(request, community) -> str:
    user = request.user if request.user.is_authenticated else None
    profile = getattr(user, "profile", None) if user else None
    return getattr(profile, "timezone", "") or community.timezone


# --- member settings ------------------------------------------------------------------------


@csrf_exempt
def member_settings_view(request, slug: str):
    """Snooze, resume, leave and the never-pair list (GET shows, POST acts)."""
    community = public_community(slug=slug)
    try:
        member, via_token = _member_from_request(request, community)
    except _Denied as denied:
        return _private(denied.response, token=True)
    partners = past_partners(member=member)
    snooze_form = DateForm(label="Snooze until")
    never_form = NeverPairForm(partners=partners)
    if request.method == "POST":
        if not via_token:
            failure = _csrf_failure(request)
            if failure is not None:
                return failure
        action = request.POST.get("action", "")
        try:
            if action == "snooze":
                snooze_form = DateForm(request.POST, label="Snooze until")
                if snooze_form.is_valid():
                    members.member_snooze(member=member, until=snooze_form.cleaned_data["until"])
                    messages.success(request, "Snoozed. We won't invite you until then.")
            elif action == "resume":
                members.member_resume(member=member)
                messages.success(request, "Welcome back! You'll be invited to the next round.")
            elif action == "leave":
                members.member_leave(member=member)
                messages.success(request, f"You have left {community.name}.")
            elif action == "never":
                never_form = NeverPairForm(request.POST, partners=partners)
                if never_form.is_valid():
                    members.never_pair_add(
                        member=member,
                        emails=never_form.email_list(),
                        partner_ids=never_form.cleaned_data.get("partners") or [],
                    )
                    messages.success(request, "Saved. Your list is private.")
            elif action == "never-remove":
                members.never_pair_remove(
                    member=member, other_id=int(request.POST.get("other", "0") or 0)
                )
                messages.success(request, "Removed from your list.")
        except CommunityError as error:
            if action == "snooze" and error.field in snooze_form.fields:
                snooze_form.add_error(error.field, str(error))  # next to the date, kept
            else:
                messages.error(request, str(error))
        except ValueError:
            messages.error(request, "That did not work. Please try again.")
        if not (snooze_form.errors or never_form.errors):
            return _private(redirect(request.get_full_path()), token=via_token)
    member.refresh_from_db()
    context = {
        "community": community,
        "org": community.org,
        "member": member,
        "snooze_form": snooze_form,
        "never_form": never_form,
        "never_list": list(member.never_pair.select_related("membership__user")),
        "open_round": _open_round(community),
    }
    return _private(render(request, "communities/member_settings.html", context), token=via_token)


@csrf_exempt
def unsubscribe_view(request, slug: str, token: str):
    """RFC 8058 one-click (POST) for contacts without an account: pause their matches."""
    community = public_community(slug=slug)
    try:
        payload = signed.read_token(links.MEMBER, token)
        member = CommunityMember.objects.filter(pk=payload.get("m"), community=community).first()
        if member is None:
            raise signed.LinkError("This link no longer works.")
    except signed.LinkError as error:
        return _private(_link_error(request, error), token=True)
    done = False
    if request.method == "POST":
        members.member_pause(member=member, reason=CommunityMember.PauseReason.UNSUBSCRIBED)
        done = True
    context = {
        "community": community,
        "org": community.org,
        "done": done,
        "settings_url": links.member_path(member),
    }
    return _private(render(request, "communities/unsubscribe.html", context), token=True)


# --- did you meet ---------------------------------------------------------------------------


@csrf_exempt
def met_view(request, slug: str, token: str):
    """ "Did you meet?": GET shows the question, POST records the answer."""
    community = public_community(slug=slug)
    try:
        payload = signed.read_token(links.MET, token)
    except signed.LinkError as error:
        return _private(_link_error(request, error), token=True)
    seat = (
        MatchSeat.objects.filter(pk=payload.get("s"), match_id=payload.get("m"))
        .select_related("match__round__community", "participant__member__membership")
        .first()
    )
    if (
        seat is None
        or seat.match.round.community_id != community.pk
        or seat.participant.member.status == CommunityMember.Status.REMOVED
    ):
        return _private(
            _link_error(request, signed.LinkError("This link no longer works."), status=404),
            token=True,
        )
    others = [
        s.participant.member.display_name
        for s in seat.match.seats.select_related("participant__member__membership__user")
        if s.pk != seat.pk
    ]
    recorded = None
    if request.method == "POST":
        answer = request.POST.get("met", "")
        if answer not in ("yes", "no"):
            messages.error(request, "Please choose yes or no.")
        else:
            try:
                followup.match_answer(seat=seat, met=answer == "yes")
            except CommunityError as error:
                return _private(_link_error(request, error, status=410), token=True)
            recorded = answer
    seat.refresh_from_db()
    context = {
        "community": community,
        "org": community.org,
        "seat": seat,
        "others": " and ".join(others),
        "recorded": recorded,
        "dropped": seat.match.status == Match.Status.DROPPED,
    }
    return _private(render(request, "communities/met.html", context), token=True)

"""What programs, invitations and follow-ups (#14) plug into the apps below `crm`.

Called once from `CrmConfig.ready()`. Each hook is a documented extension point of the
app that owns the page or the event (DESIGN §3), so none of them imports `crm`:

- `attendance.signals.attendance_changed` / `attendance_imported`: attendance at a
  program's sessions re-judges those enrollments (automatic completion);
- `astn.core.dashboard`: the member's programs with progress;
- `orgs.extensions.org_page_panels`: programs a member can ask to join;
- `events.extensions`: invitation conversion on the event page (admins only);
- `crm.timeline`: follow-ups on the member page timeline.
"""

from __future__ import annotations

from django.http import HttpRequest

from orgs.models import Membership


def on_attendance_changed(sender, changes, **kwargs) -> None:
    marked = [attendance for attendance, change in changes if change.field == "attended"]
    if not marked:
        return
    from crm.services.programs import enrollments_for_attendance

    # Every (event, person) pair of the write is inside these two sets; the recompute
    # re-judges whole enrollments, so a wider set is only more of the same work.
    enrollments_for_attendance(
        event_ids={a.event_id for a in marked}, membership_ids={a.membership_id for a in marked}
    )


def on_attendance_imported(sender, org=None, event_ids=(), **kwargs) -> None:
    """One signal per import: re-judge every enrollment of the programs touched, set-based."""
    from crm.services.programs import enrollments_for_attendance

    enrollments_for_attendance(event_ids=list(event_ids))


def dashboard_programs_context(request: HttpRequest) -> dict | None:
    from crm.selectors.programs import my_programs

    programs = my_programs(user=request.user)
    return {"programs": programs} if programs else None


def org_page_programs_context(request: HttpRequest, org, membership) -> dict | None:
    """Open programs on the org page, for its members (with their own requests)."""
    if membership is None or membership.status != Membership.Status.MEMBER:
        return None
    from crm.models import Enrollment, Program

    programs = list(
        Program.objects.for_org(org).active().filter(open_for_requests=True).order_by("name")
    )
    if not programs:
        return None
    mine = dict(
        Enrollment.objects.filter(membership=membership, program__in=programs).values_list(
            "program_id", "status"
        )
    )
    return {
        "org": org,
        "programs": [{"program": p, "status": mine.get(p.pk)} for p in programs],
    }


def event_conversion_context(request: HttpRequest, event) -> dict | None:
    """Invited → RSVPed → attended for this event; only its org's admins see it."""
    user = request.user
    if not user.is_authenticated:
        return None
    if not Membership.objects.admins().filter(org_id=event.org_id, user=user).exists():
        return None
    from crm.selectors.invitations import invitation_conversion

    conversion = invitation_conversion(event_ids=[event.pk]).get(event.pk)
    if conversion is None or not conversion.invited:
        return None
    return {"conversion": conversion, "event": event}


def invitations_wanted(prefs) -> bool:
    from crm.models import InvitationOptOut

    return not InvitationOptOut.objects.filter(user_id=prefs.user_id).exists()


def invitations_stop(prefs) -> list[str]:
    from crm.models import InvitationOptOut

    _, created = InvitationOptOut.objects.get_or_create(user_id=prefs.user_id)
    return ["Personal invitations to events: off"] if created else []


def connect() -> None:
    from astn.core import dashboard
    from astn.notifications.unsubscribe import EmailCategory, categories
    from attendance import signals as attendance_signals
    from attendance.extensions import history_panels
    from events import extensions as event_extensions
    from orgs.extensions import OrgPagePanel, org_page_panels

    categories.register(
        EmailCategory(
            name="invitations",
            label="personal invitations to events from organisers",
            enabled=invitations_wanted,
            switch_off=invitations_stop,
            order=60,
        )
    )
    attendance_signals.attendance_changed.connect(
        on_attendance_changed, dispatch_uid="crm.programs.attendance_changed"
    )
    imported = getattr(attendance_signals, "attendance_imported", None)
    if imported is not None:
        imported.connect(on_attendance_imported, dispatch_uid="crm.programs.attendance_imported")

    dashboard.register(
        dashboard.Panel(
            name="crm-programs",
            order=25,
            template="crm/partials/_dashboard_programs.html",
            context=dashboard_programs_context,
        )
    )
    # The same "Your programs" panel at the top of /me/attendance/.
    history_panels.register(
        dashboard.Panel(
            name="crm-programs",
            order=10,
            template="crm/partials/_dashboard_programs.html",
            context=dashboard_programs_context,
        )
    )
    org_page_panels.register(
        OrgPagePanel(
            name="crm-open-programs",
            order=40,
            slot="main",
            template="crm/partials/_org_programs.html",
            context=org_page_programs_context,
        )
    )
    from crm import timeline
    from crm.selectors.followups import followup_timeline_entries
    from crm.selectors.programs import enrollment_timeline_entries

    timeline.register(timeline.Source(name="crm.followups", entries=followup_timeline_entries))
    timeline.register(timeline.Source(name="crm.programs", entries=enrollment_timeline_entries))
    event_extensions.register_event_panel(
        event_extensions.EventPanel(
            name="crm-invitations",
            order=40,
            slot="side",
            template="crm/partials/_event_conversion.html",
            context=event_conversion_context,
        )
    )

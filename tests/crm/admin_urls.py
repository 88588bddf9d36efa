"""The org-admin URLs of `crm`, for the permission matrix in tests/orgs/."""

from tests.orgs.admin_url_inventory import AdminURL, slug_only


def _program(org) -> dict:
    from tests.factories.programs import ProgramFactory

    return {"slug": org.slug, "program_id": ProgramFactory(org=org).pk}


def _program_session(org) -> dict:
    from tests.factories.programs import ProgramSessionFactory

    session = ProgramSessionFactory(program__org=org)
    return {"slug": org.slug, "program_id": session.program_id, "event_id": session.event_id}


def _enrollment(org) -> dict:
    from tests.factories.programs import EnrollmentFactory

    enrollment = EnrollmentFactory(program__org=org)
    return {
        "slug": org.slug,
        "program_id": enrollment.program_id,
        "enrollment_id": enrollment.pk,
    }


def _upcoming_event(org) -> dict:
    from tests.factories.events import EventFactory

    return {"slug": org.slug, "event_id": EventFactory(org=org).pk}


def _followup(org) -> dict:
    from tests.factories.programs import FollowUpFactory

    return {"slug": org.slug, "followup_id": FollowUpFactory(membership__org=org).pk}


def _a_member(org) -> dict:
    from tests.factories.orgs import MembershipFactory

    return {"slug": org.slug, "membership_id": MembershipFactory(org=org).pk}


ADMIN_URLS = [
    # Programs, insights, follow-ups and invitations (#14)
    AdminURL("crm:program-list", slug_only),
    AdminURL("crm:program-create", slug_only),
    AdminURL("crm:program-detail", _program),
    AdminURL("crm:program-edit", _program),
    AdminURL("crm:program-archive", _program, admin_status=405, note="POST only"),
    AdminURL("crm:program-link", _program, admin_status=405, note="POST only"),
    AdminURL("crm:program-unlink", _program_session, admin_status=405, note="POST only"),
    AdminURL("crm:program-enroll", _program, admin_status=405, note="POST only"),
    AdminURL("crm:enrollment-decide", _enrollment, admin_status=405, note="POST only"),
    AdminURL("crm:enrollment-status", _enrollment, admin_status=405, note="POST only"),
    AdminURL("crm:program-export", _program, admin_status=405, note="POST only (re-auth)"),
    AdminURL("crm:insights", slug_only),
    AdminURL("crm:invitation-send", _upcoming_event, admin_status=405, note="POST only"),
    AdminURL("crm:followup-list", slug_only),
    AdminURL("crm:followup-create", _a_member),
    AdminURL("crm:followup-status", _followup, admin_status=405, note="POST only"),
]


# Dashboard, directory, member pages, tags, notes, export (#13)
def _member(org) -> dict:
    from tests.factories.orgs import MembershipFactory

    return {"slug": org.slug, "membership_id": MembershipFactory(org=org).pk}


def _tag(org) -> dict:
    from crm.models import Tag

    return {"slug": org.slug, "tag_id": Tag.objects.create(org=org, name="Speaker").pk}


def _note(org) -> dict:
    from crm.models import MemberNote
    from tests.factories.orgs import MembershipFactory

    note = MemberNote.objects.create(membership=MembershipFactory(org=org), body="Met at the door.")
    return {"slug": org.slug, "membership_id": note.membership_id, "note_id": note.pk}


ADMIN_URLS += [
    AdminURL("crm:dashboard", slug_only),
    AdminURL("crm:directory", slug_only),
    AdminURL("crm:directory-bulk", slug_only, admin_status=405, note="POST only"),
    AdminURL("crm:export", slug_only),
    AdminURL("crm:export-csv", slug_only, admin_status=405, note="POST only (re-auth)"),
    AdminURL("crm:export-xlsx", slug_only, admin_status=405, note="POST only (re-auth)"),
    AdminURL("crm:tag-list", slug_only),
    AdminURL("crm:tag-edit", _tag, admin_status=405, note="POST only"),
    AdminURL("crm:tag-delete", _tag, admin_status=405, note="POST only"),
    AdminURL("crm:member-detail", _member),
    AdminURL("crm:member-timeline", _member),
    AdminURL("crm:member-tags", _member, admin_status=405, note="POST only"),
    AdminURL("crm:note-create", _member, admin_status=405, note="POST only"),
    AdminURL("crm:note-edit", _note, admin_status=302, note="someone else's note: back"),
    AdminURL("crm:note-delete", _note, admin_status=405, note="POST only"),
]

"""Communities (issue #15): an organiser starts a monthly 1:1 community; people join at
/join/<slug>/, confirm, fill the intake and pick times; the organiser matches; everyone
gets an introduction with a calendar invite; one answers "Did you meet?" yes and their
engagement shows it. Screenshots at 1280 and 390 px under var/screenshots/communities-*.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from communities import availability
from communities.models import Community, CommunityMember, Match, RoundParticipant
from communities.services import followup
from tests.browser.fixtures import SCREENSHOTS, new_page, open_as
from tests.factories.accounts import UserFactory
from tests.factories.orgs import AdminMembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"communities-{name}.png"), full_page=True)


def local(url: str, live_server) -> str:
    return url.replace(settings.SITE_URL, live_server.url)


def confirm_link(email_address: str, live_server) -> str:
    message = [m for m in mail.outbox if m.to == [email_address]][-1]
    (url,) = re.findall(r"(https?://\S+/join/\S+/confirm/\S+/)", message.body)
    return local(url, live_server)


def pick(page, day: str, times: list[str]) -> None:
    for start in times:
        page.get_by_role("gridcell", name=re.compile(rf"^{day} {start}–")).click()


def fill_intake(page, text: str, day: str, times: list[str]) -> None:
    page.get_by_label("What would you like to talk about this month?").fill(text)
    pick(page, day, times)
    page.get_by_role("button", name="I'm in").click()
    page.get_by_role("heading", name="Done!").wait_for()


def join_by_email(browser, live_server, slug, name, email, *, zone, viewport=None, tag=""):
    options = {"timezone_id": zone}
    if viewport:
        options["viewport"] = viewport
    page = new_page(browser, **options)
    page.goto(f"{live_server.url}/join/{slug}/")
    # Chromium can run a new context's first page before its zone override lands (seen
    # once so far: the page read the host's zone, "Africa/Abidjan", and the form
    # sent that). The page fills its hidden zone field on load, so load it again then.
    for _ in range(3):
        if page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == zone:
            break
        page.reload()
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == zone
    if tag:
        shot(page, f"02-join-{tag}")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send me the confirmation link").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    if tag:
        shot(page, f"03-check-inbox-{tag}")
    page.goto(confirm_link(email, live_server))
    page.get_by_role("button", name="Yes, I want to join").click()
    page.get_by_role("heading", name="You're in!").wait_for()
    if tag:
        shot(page, f"04-youre-in-{tag}")
    page.get_by_role("link", name="Pick my times").click()
    page.get_by_role("heading", name=re.compile("round")).wait_for()
    return page


def test_organiser_creates_people_join_match_and_meet(live_server, browser):
    org = OrganizationFactory(name="Berlin Reading Circle", slug="berlin-reading-circle")
    maya = UserFactory(name="Maya Lindqvist", email="maya@example.org")
    jonas = UserFactory(name="Jonas Becker", email="jonas@example.org")
    AdminMembershipFactory(org=org, user=maya)
    jonas.profile.headline = "AI safety researcher"
    jonas.profile.timezone = "Europe/Berlin"
    jonas.profile.save(update_fields=["headline", "timezone"])

    # The organiser creates the community and opens the round.
    admin = open_as(browser, live_server, maya)
    admin.goto(f"{live_server.url}/orgs/{org.slug}/admin/communities/")
    shot(admin, "00-admin-empty")
    admin.get_by_role("link", name="Create the first one").click()
    admin.get_by_label("Name").fill("Coffee Chats")
    admin.get_by_label("Public address").fill("coffee-chats")
    admin.get_by_label("Description").fill(
        "Once a month, a 30-minute call with another member who reads what you read."
    )
    admin.get_by_role("button", name="Move down").first.click()  # topics first, then the talk
    shot(admin, "01-admin-create-1280")
    admin.get_by_role("button", name="Create community").click()
    admin.get_by_role("heading", name="Coffee Chats").wait_for()
    questions = Community.objects.get(slug="coffee-chats").intake_questions
    assert [q["label"] for q in questions] == [
        "Topics you care about",
        "What would you like to talk about this month?",
    ]
    admin.get_by_role("button", name=re.compile(r"Open the \w+ round now")).click()
    admin.get_by_text("round is open").wait_for()
    community = Community.objects.get(slug="coffee-chats")

    # Sarah (London) joins by email, confirms, answers and picks Wednesday evening.
    sarah = join_by_email(
        browser,
        live_server,
        community.slug,
        "Sarah Chen",
        "sarah@example.org",
        zone="Europe/London",
        tag="1280",
    )
    assert sarah.locator("#availability-zone").input_value() == "Europe/London"  # detected
    shot(sarah, "05-intake-empty-1280")
    sarah.get_by_label("What would you like to talk about this month?").fill(
        "AI safety and the ethics of recommender systems"
    )
    pick(sarah, "Wednesday", ["18:00", "18:30", "19:00", "19:30"])
    shot(sarah, "06-intake-picked-1280")
    sarah.get_by_role("button", name="I'm in").click()
    sarah.get_by_role("heading", name="Done!").wait_for()
    shot(sarah, "07-done-1280")

    # Jonas has an account: one click, then the same form.
    jonas_page = open_as(browser, live_server, jonas, timezone_id="Europe/Berlin")
    jonas_page.goto(f"{live_server.url}/join/{community.slug}/")
    jonas_page.get_by_role("button", name="Join Coffee Chats").click()
    jonas_page.get_by_role("heading", name="You're in!").wait_for()
    jonas_page.get_by_role("link", name="Pick my times").click()
    fill_intake(
        jonas_page, "AI safety research, alignment", "Wednesday", ["19:00", "19:30", "20:00"]
    )

    # Then a third person joins on a phone (tap to pick) in Berlin.
    ali = join_by_email(
        browser,
        live_server,
        community.slug,
        "Ali Khan",
        "ali@example.org",
        zone="Europe/Berlin",
        viewport=PHONE,
        tag="390",
    )
    ali.get_by_role("button", name="Weekday evenings").click()
    shot(ali, "05-intake-picked-390")
    ali.get_by_label("What would you like to talk about this month?").fill(
        "Recommender systems and online harms"
    )
    ali.get_by_role("button", name="I'm in").click()
    ali.get_by_role("heading", name="Done!").wait_for()
    shot(ali, "07-done-390")
    assert RoundParticipant.objects.filter(intake_completed_at__isnull=False).count() == 3
    contact = CommunityMember.objects.get(membership__email="ali@example.org").membership
    assert (contact.source, contact.status) == ("community", "contact")

    # The organiser matches now: three people → one trio.
    admin.goto(f"{live_server.url}/orgs/{org.slug}/admin/communities/{community.pk}/")
    shot(admin, "08-dashboard-open-round-1280")
    admin.get_by_role("button", name="Match now").click()
    admin.get_by_text("Matched").first.wait_for()
    shot(admin, "09-round-matched-1280")
    match = Match.objects.get()
    assert match.seats.count() == 3
    assert match.starts_at is not None

    # Everyone has an introduction with an invite inside their availability.
    mail_by_person = {
        m.to[0]: m for m in mail.outbox if m.subject.startswith("You've been matched with")
    }
    assert set(mail_by_person) == {"sarah@example.org", "jonas@example.org", "ali@example.org"}
    for address, message in mail_by_person.items():
        (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
        cal = icalendar.Calendar.from_ical(attachment[1])
        assert str(cal["method"]) == "REQUEST"
        event = cal.walk("VEVENT")[0]
        assert str(event["uid"]) == match.ics_uid
        assert int(event["sequence"]) == 0
        start = event.decoded("dtstart")
        participant = RoundParticipant.objects.get(member__membership__email=address)
        zone = availability.zone(participant.availability["timezone"])
        wall = start.astimezone(zone)
        assert (wall.weekday(), wall.hour * 2 + wall.minute // 30) in availability.cells(
            participant.availability
        )
    intro = admin.context.new_page()
    intro.set_content(mail_by_person["sarah@example.org"].alternatives[0][0])
    shot(intro, "10-match-email-1280")
    intro.set_viewport_size(PHONE)
    shot(intro, "10-match-email-390")
    intro.close()

    # A week after the call, "Did you meet?"; Jonas taps yes.
    followup.match_followups_due(now=match.ends_at + datetime.timedelta(days=7))
    (ask,) = [m for m in mail.outbox if m.to == [jonas.email] and m.subject.startswith("Did you")]
    (url,) = re.findall(r"(https?://\S+/c/\S+/met/\S+/)", ask.body)
    jonas_page.goto(local(url, live_server))
    shot(jonas_page, "11-did-you-meet-1280")
    jonas_page.get_by_role("button", name="Yes").click()
    jonas_page.get_by_role("heading", name=re.compile("thanks for telling us")).wait_for()
    match.refresh_from_db()
    assert match.met == Match.Met.YES

    call_command("run_job", "engagement_recompute")
    jonas_page.goto(f"{live_server.url}/me/engagement/")
    jonas_page.get_by_text("All the numbers behind your level today").first.click()
    row = jonas_page.get_by_role("row", name=re.compile("Matches met")).first
    row.wait_for()
    assert "1" in row.inner_text()
    shot(jonas_page, "12-my-engagement-1280")

    # The dashboard on a phone.
    admin.set_viewport_size(PHONE)
    admin.goto(f"{live_server.url}/orgs/{org.slug}/admin/communities/{community.pk}/")
    shot(admin, "13-dashboard-390")
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.reload()
    shot(admin, "13-dashboard-1280")


def test_demo_community_looks_alive(live_server, browser):
    import io

    from communities import demo
    from communities.models import Round

    org = OrganizationFactory(slug=demo.ORG_SLUG, name="Effective Giving Online")
    maya = UserFactory(name="Maya Lindqvist", email="maya@astn.example")
    AdminMembershipFactory(org=org, user=maya)
    demo.seed(stdout=io.StringIO())
    community = Community.objects.get(slug=demo.SLUG)
    past = Round.objects.filter(community=community, status="matched").first()
    page = open_as(browser, live_server, maya)
    base = f"{live_server.url}/orgs/{org.slug}/admin/communities/{community.pk}/"
    for width, viewport in (("1280", None), ("390", PHONE)):
        if viewport:
            page.set_viewport_size(viewport)
        page.goto(base)
        page.get_by_role("heading", name="Rounds").wait_for()
        shot(page, f"20-demo-dashboard-{width}")
        page.goto(f"{base}rounds/{past.pk}/")
        shot(page, f"21-demo-round-{width}")
    page.goto(f"{live_server.url}/orgs/{org.slug}/admin/communities/")
    shot(page, "22-demo-list-390")


def test_the_availability_picker_works_with_the_keyboard_alone(live_server, browser):
    import json

    from communities import links
    from tests.factories.communities import CommunityMemberFactory, RoundFactory

    round_ = RoundFactory(community__slug="keys", community__name="Keys")
    participant = RoundParticipant.objects.create(
        round=round_, member=CommunityMemberFactory(community=round_.community)
    )
    page = new_page(browser, timezone_id="America/New_York")
    page.goto(live_server.url + links.round_path(participant))
    first = page.locator("td[role=gridcell][tabindex='0']")
    first.focus()  # the grid is one tab stop: Monday 07:00
    for _ in range(22):  # down to Monday 18:00
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.keyboard.press("Shift+ArrowDown")  # extend: 18:30 too
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # Tuesday 18:30
    value = json.loads(page.locator("#availability-input").input_value())
    assert value == {
        "timezone": "America/New_York",
        "slots": [
            {"day": 0, "start": "18:00", "end": "19:00"},
            {"day": 1, "start": "18:30", "end": "19:00"},
        ],
    }
    page.get_by_label("What would you like to talk about this month?").fill("Jazz")
    page.get_by_role("button", name="I'm in").click()
    page.get_by_role("heading", name="Done!").wait_for()
    participant.refresh_from_db()
    assert participant.availability["slots"][1] == {"day": 1, "start": "18:30", "end": "19:00"}


def test_a_refused_snooze_date_keeps_the_button_on_the_fields_line(live_server, browser):
    """The error under the date used to push the Snooze button below the field's line."""
    from communities import links
    from tests.factories.communities import CommunityMemberFactory

    member = CommunityMemberFactory()
    today = datetime.datetime.now(ZoneInfo(member.community.timezone)).date()  # refused
    page = new_page(browser)
    page.goto(live_server.url + links.member_path(member))
    field = page.get_by_label("Snooze until")
    field.fill(today.isoformat())
    page.get_by_role("button", name="Snooze").click()
    page.get_by_text("Pick a date in the future.").wait_for()
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        page.set_viewport_size(viewport)
        box = field.bounding_box()
        button = page.get_by_role("button", name="Snooze").bounding_box()
        if viewport is PHONE:  # stacked: the button comes after the message
            assert button["y"] > box["y"] + box["height"]
        else:  # side by side: the same line, whatever sits under the field
            assert abs(button["y"] - box["y"]) < 2
            assert abs(button["height"] - box["height"]) < 2
        shot(page, f"30-snooze-refused-{viewport['width']}")

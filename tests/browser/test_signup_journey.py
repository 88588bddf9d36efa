import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_log_in_and_see_the_dashboard(live_server, page, screenshot):
    page.goto(live_server.url + "/")
    screenshot("foundation-01-landing")
    page.get_by_role("link", name="Create your account").click()

    page.get_by_label("Your name").fill("Rosa Delgado")
    page.get_by_label("Email").fill("rosa@example.org")
    page.locator("#id_password1").fill("a-sturdy-passphrase-42")
    page.locator("#id_password2").fill("a-sturdy-passphrase-42")
    screenshot("foundation-02-signup")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    screenshot("foundation-03-check-inbox")

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # Confirming in the same browser signs her in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="Welcome to ASTN, Rosa Delgado").is_visible()
    assert page.get_by_role("heading", name="Get started").is_visible()
    screenshot("foundation-04-dashboard")

    # The browser guessed the time zone on sign-up; the profile kept it.
    from astn.accounts.models import User

    assert User.objects.get(email="rosa@example.org").profile.timezone

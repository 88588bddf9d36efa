import pytest


@pytest.mark.django_db
def test_anonymous_visitor_sees_the_landing_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Know your community" in response.content
    assert b"Sign up" in response.content


@pytest.mark.django_db
def test_signed_in_member_sees_the_dashboard(client_as_user, user):
    response = client_as_user.get("/")
    assert response.status_code == 200
    # A member who joined today is welcomed, not "welcomed back" (#10).
    assert f"Welcome to ASTN, {user.display_name}".encode() in response.content


@pytest.mark.django_db
def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_and_deny_framing(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"

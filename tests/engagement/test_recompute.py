"""The recompute against the fake Anthropic API: first run, second run, failures, privacy."""

import datetime
import json

import pytest

from engagement.models import EngagementScore, EngagementSnapshot, LlmBatch, LlmUsage
from engagement.services.apply import Proposal, proposal_apply
from engagement.services.recompute import engagement_recompute_org
from tests.engagement.conftest import past
from tests.engagement.history import attend, event_at
from tests.factories.accounts import UserFactory
from tests.factories.orgs import ContactMembershipFactory, MembershipFactory
from tests.fakes.anthropic import Failure

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org, now):
    """Three members with some history, one contact from an import."""
    ada = MembershipFactory(
        org=org,
        user=UserFactory(name="Ada Lovelace", email="ada.l@example.org"),
        joined_at=past(now, 300),
    )
    bob = MembershipFactory(org=org, user=UserFactory(name="Bob Byron"), joined_at=past(now, 200))
    cy = ContactMembershipFactory(org=org, name="Cy Contact", joined_at=past(now, 100))
    for days in (3, 17, 40, 70):
        event = event_at(org, past(now, days), "workshop" if days % 2 else "talk")
        attend(ada, event, rating=5 if days == 3 else None)
    attend(bob, event_at(org, past(now, 150)))
    attend(cy, event_at(org, past(now, 95)))
    return [ada, bob, cy]


def _scores(org):
    return {s.membership_id: s for s in EngagementScore.objects.filter(org=org)}


def test_first_run_classifies_everyone_and_second_run_makes_no_api_call(
    org, admin, people, fake_anthropic, now
):
    first = engagement_recompute_org(org=org, now=now)

    scores = _scores(org)
    assert len(scores) == 4  # three people and the admin
    assert all(s.source == "llm" for s in scores.values())
    assert all(s.model == "claude-haiku-5-5" for s in scores.values())
    assert first.api_calls == 1  # all four in one request
    assert len(fake_anthropic.message_calls) == 1
    usage = LlmUsage.objects.get()
    assert usage.memberships == 4
    assert usage.input_tokens > 0
    assert usage.output_tokens > 0
    assert usage.cost_usd > 0

    second = engagement_recompute_org(org=org, now=now)

    assert second.api_calls == 0
    assert len(fake_anthropic.requests) == 1
    assert second.changed == 0


def test_new_activity_sends_only_that_membership_again(org, admin, people, fake_anthropic, now):
    engagement_recompute_org(org=org, now=now)
    bob = people[1]
    attend(bob, event_at(org, past(now, 1)))

    engagement_recompute_org(org=org, now=now)

    assert len(fake_anthropic.message_calls) == 2
    body = fake_anthropic.message_calls[1].body
    members = json.loads(body["messages"][0]["content"])["members"]
    # Bob, and nobody whose own numbers did not move (Ada's rate stays in its band).
    assert [m["attended_30d"] for m in members] == [1]


def test_the_request_carries_counts_only_no_personal_data(org, admin, people, fake_anthropic, now):
    engagement_recompute_org(org=org, now=now)

    call = fake_anthropic.message_calls[0]
    raw = json.dumps(call.body).lower()
    for membership in people:
        for text in (membership.display_name, membership.email):
            for part in text.lower().replace("@", " ").split():
                if len(part) >= 3 and part not in {"example.org", "example.net"}:
                    assert part not in raw, part
    assert "ada" not in raw
    assert "@" not in raw
    members = json.loads(call.body["messages"][0]["content"])["members"]
    assert {m["key"] for m in members} == {"m1", "m2", "m3", "m4"}
    for member in members:
        assert set(member) - {"key", "rules_level", "rules_score", "trend"} <= {
            k for k, v in member.items() if v is None or isinstance(v, int)
        }
    # Haiku 5.5: forced tool, no sampling parameters, thinking off, cached instructions.
    assert call.body["tool_choice"] == {"type": "tool", "name": "record_engagement_levels"}
    assert "temperature" not in call.body
    assert call.body["thinking"] == {"type": "disabled"}
    assert call.body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert call.headers["x-api-key"] == "sk-ant-test-fake-key"


def test_a_rationale_naming_the_person_or_inventing_a_number_keeps_the_rules_result(
    org, people, fake_anthropic, now
):
    ada = people[0]

    def sloppy(member):
        if member["attended_90d"] == 4:  # Ada
            text = "Ada Lovelace attended 4 events and 2 workshops lately."
        else:
            text = f"Attended {member['attended_365d']} events, 77 of them online."
        return {
            "key": member["key"],
            "level": "moderate",
            "rationale": text,
            "suggested_action": "Say hi.",
        }

    fake_anthropic.answer_with(sloppy)
    engagement_recompute_org(org=org, now=now)

    scores = _scores(org)
    assert scores[ada.pk].source == "rules"
    assert scores[ada.pk].fallback_reason == "invalid"
    assert "name" in scores[ada.pk].fallback_detail
    bob = scores[people[1].pk]
    assert bob.source == "rules"
    assert "77" in bob.fallback_detail
    assert bob.level == bob.rules_level
    # Judged once: the same signals are not sent again.
    engagement_recompute_org(org=org, now=now)
    assert len(fake_anthropic.message_calls) == 1


def test_nul_characters_in_an_answer_are_dropped_before_it_is_judged_and_stored(
    org, people, fake_anthropic, now
):
    """Postgres refuses NUL in text and in JSON: a stray one in a model's answer once
    failed the whole recompute."""

    def garbled(member):
        return {
            "key": member["key"],
            "level": "moderate",
            "rationale": f"Attended {member['attended_90d']}\x00 events lately, "
            f"{member['attended_365d']} this year.",
            "suggested_action": "Say hi.\x00",
            "note\x00": "\x00",
        }

    fake_anthropic.answer_with(garbled)
    engagement_recompute_org(org=org, now=now)

    scores = _scores(org)
    assert len(scores) == len(people)
    for score in scores.values():
        assert "\x00" not in json.dumps(score.llm_answer)
        assert "\\u0000" not in json.dumps(score.llm_answer)
    ada = scores[people[0].pk]
    assert ada.source == "llm", ada.fallback_detail
    assert ada.rationale == "Attended 4 events lately, 4 this year."
    assert ada.suggested_action == "Say hi."


def test_text_instead_of_the_tool_and_a_refusal_keep_the_rules_result(
    org, people, fake_anthropic, now
):
    def text_only(body):
        return {
            "id": "msg_text",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": "Everyone looks great!"}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 900, "output_tokens": 12},
        }

    fake_anthropic.script(text_only)
    engagement_recompute_org(org=org, now=now)
    assert {s.fallback_reason for s in _scores(org).values()} == {"invalid"}
    assert "text instead of the tool" in next(iter(_scores(org).values())).fallback_detail

    def refusal(body):
        return {**text_only(body), "content": [], "stop_reason": "refusal"}

    attend(people[1], event_at(org, past(now, 1)))
    fake_anthropic.script(refusal)
    engagement_recompute_org(org=org, now=now)
    assert _scores(org)[people[1].pk].fallback_reason == "refused"


def test_blocks_are_picked_by_type(org, people, fake_anthropic, now):
    def thinking_first(body):
        message = fake_anthropic.message_for(body)
        message["content"].insert(0, {"type": "text", "text": "Here are the levels."})
        return message

    fake_anthropic.script(thinking_first)
    engagement_recompute_org(org=org, now=now)
    assert {s.source for s in _scores(org).values()} == {"llm"}


def test_rate_limit_is_retried_by_the_sdk_honouring_retry_after(org, people, fake_anthropic, now):
    fake_anthropic.fail(429, "rate_limit_error", times=1)

    engagement_recompute_org(org=org, now=now)

    assert len(fake_anthropic.message_calls) == 2  # the SDK's one retry, no layer of ours
    assert {s.source for s in _scores(org).values()} == {"llm"}


def test_overloaded_api_keeps_previous_results_and_the_next_run_resumes(
    org, people, fake_anthropic, now, settings
):
    engagement_recompute_org(org=org, now=now)
    before = _scores(org)
    for person in people:
        attend(person, event_at(org, past(now, 1)))
    fake_anthropic.fail(529, "overloaded_error", times=3)  # first try + 2 SDK retries

    result = engagement_recompute_org(org=org, now=now)

    assert "529" in result.error
    after = _scores(org)
    for person in people:
        assert after[person.pk].source == "llm"
        assert after[person.pk].rationale == before[person.pk].rationale
    assert LlmUsage.objects.filter(outcome="error").count() == 1

    resumed = engagement_recompute_org(org=org, now=now)
    assert resumed.sent == 3
    assert resumed.api_calls == 1
    assert engagement_recompute_org(org=org, now=now).api_calls == 0


def test_malformed_json_keeps_the_rules_result_labelled(org, people, fake_anthropic, settings, now):
    settings.ASTN_LLM_MAX_RETRIES = 0
    fake_anthropic.script(Failure(200, "", raw_body=b'{"id": "msg_1", "content": [oops'))
    result = engagement_recompute_org(org=org, now=now)
    assert result.error
    assert {s.fallback_reason for s in _scores(org).values()} == {"api_error"}
    assert all(s.level == s.rules_level for s in _scores(org).values())


def test_no_api_key_means_rules_labelled_and_no_request(org, people, no_api_key, now):
    result = engagement_recompute_org(org=org, now=now)
    assert result.api_calls == 0
    assert {s.fallback_reason for s in _scores(org).values()} == {"no_key"}
    assert all(s.rationale for s in _scores(org).values())


def test_a_member_who_opted_out_is_never_sent(org, people, fake_anthropic, now):
    ada = people[0]
    privacy = ada.user.privacy_settings
    privacy.ai_classification_opt_out = True
    privacy.save()

    engagement_recompute_org(org=org, now=now)

    members = json.loads(fake_anthropic.message_calls[0].body["messages"][0]["content"])["members"]
    assert len(members) == 2
    score = _scores(org)[ada.pk]
    assert score.source == "rules"
    assert score.fallback_reason == "opted_out"
    assert score.llm_sent == {}


def test_big_orgs_go_through_the_batches_api_collected_by_a_later_run(
    org, people, fake_anthropic, settings, now
):
    settings.ASTN_LLM_BATCH_THRESHOLD = 2
    settings.ASTN_LLM_CHUNK = 2

    first = engagement_recompute_org(org=org, now=now)

    assert first.batch_submitted
    assert fake_anthropic.message_calls == []
    batch = LlmBatch.objects.get()
    assert len(fake_anthropic.batches[batch.anthropic_id]["_requests"]) == 2
    assert {s.fallback_reason for s in _scores(org).values()} == {"pending"}

    still_running = engagement_recompute_org(org=org, now=now)
    assert not still_running.batch_submitted
    assert LlmBatch.objects.get().status == "submitted"

    fake_anthropic.end_batches()
    engagement_recompute_org(org=org, now=now)

    assert LlmBatch.objects.get().status == "collected"
    assert {s.source for s in _scores(org).values()} == {"llm"}
    usage = LlmUsage.objects.get(kind="batch", outcome="ok")
    assert usage.memberships == 3
    assert engagement_recompute_org(org=org, now=now).api_calls == 0


def test_downgrade_waits_30_days_upgrade_is_immediate(org, now):
    m = MembershipFactory(org=org)
    score = EngagementScore(org=org, membership=m)
    proposal_apply(score, _proposal("highly_engaged"), now=past(now, 10), is_new=True)

    held = proposal_apply(score, _proposal("at_risk"), now=now, is_new=False)

    assert score.level == "highly_engaged"
    assert score.pending_downgrade_level == "at_risk"
    assert score.pending_downgrade_at == past(now, 10) + datetime.timedelta(days=30)
    assert held is not None  # the pending downgrade is itself a change worth a snapshot

    proposal_apply(score, _proposal("at_risk"), now=now + datetime.timedelta(days=21), is_new=False)
    assert score.level == "at_risk"
    assert score.pending_downgrade_level == ""

    proposal_apply(
        score, _proposal("highly_engaged"), now=now + datetime.timedelta(days=22), is_new=False
    )
    assert score.level == "highly_engaged"


def test_leaving_new_is_never_held_back(org, now):
    score = EngagementScore(org=org, membership=MembershipFactory(org=org))
    proposal_apply(score, _proposal("new"), now=now, is_new=True)
    proposal_apply(score, _proposal("inactive"), now=now + datetime.timedelta(days=1), is_new=False)
    assert score.level == "inactive"


def test_an_unchanged_result_writes_no_snapshot(org, no_api_key, people, now):
    engagement_recompute_org(org=org, now=now)
    count = EngagementSnapshot.objects.count()
    assert count == 3
    engagement_recompute_org(org=org, now=now)
    assert EngagementSnapshot.objects.count() == count


def _proposal(level):
    return Proposal(level=level, score=50, rationale="r", suggested_action="a")

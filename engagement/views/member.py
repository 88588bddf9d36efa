"""`/me/engagement/`: what the model was sent about me and what it answered, per org."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import TemplateView

from astn.accounts.models import PrivacySettings
from engagement.models import EngagementScore, Level
from engagement.scoring.signals import SIGNAL_LABELS
from engagement.services.optout import ai_opt_out_set


def _rows(payload: dict) -> list[tuple[str, object]]:
    """(label, value) in the documented order (jsonb does not keep the order we wrote)."""
    return [(label, payload[key]) for key, label in SIGNAL_LABELS.items() if key in payload]


def _level_label(code) -> str:
    return Level(code).label if code in Level.values else str(code or "")


class MyEngagementView(LoginRequiredMixin, TemplateView):
    """GET shows, POST `ai_opt_out=1|0` switches the AI opt-out."""

    template_name = "engagement/my_engagement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        privacy, _ = PrivacySettings.objects.get_or_create(user=user)
        scores = (
            EngagementScore.objects.filter(membership__user=user)
            .exclude(membership__status="left")
            .select_related("membership__org")
            .order_by("membership__org__name")
        )
        context.update(
            opted_out=privacy.ai_classification_opt_out,
            entries=[
                {
                    "score": score,
                    "org": score.membership.org,
                    "sent": _rows((score.llm_sent or {}).get("member") or {}),
                    "signals": _rows(score.signals or {}),
                    "answer_level": _level_label((score.llm_answer or {}).get("level")),
                }
                for score in scores
            ],
        )
        return context

    def post(self, request):
        opted_out = request.POST.get("ai_opt_out") == "1"
        changed = ai_opt_out_set(user=request.user, opted_out=opted_out)
        if changed and opted_out:
            messages.success(
                request,
                "Done: nothing about you is sent to the AI any more; the rules-based "
                "result applies.",
            )
        elif changed:
            messages.success(
                request, "AI classification is on again; it applies from the next daily update."
            )
        return redirect("engagement:me")

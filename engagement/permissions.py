"""The org permission engagement's admin pages declare (registered in `apps.py`)."""

ENGAGEMENT_MANAGE = "engagement.manage"

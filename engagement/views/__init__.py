"""Engagement pages: the org admin's engagement page, the override dialog, /me/engagement/."""

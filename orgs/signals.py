"""Signals that `orgs` sends, for the apps above it (DESIGN §3: orgs never imports them).

Receivers are connected in the receiving app's `AppConfig.ready()`.
"""

from django.dispatch import Signal

membership_left = Signal()
"""
Sent after the transaction commits, once for each membership that stopped being a
member of its org: the person left (`membership_leave`), an admin or staff took them
off the list (`membership_remove`), or they deleted their account
(`memberships_anonymise_for_user`; the membership is then already anonymised).

Keyword arguments:

- ``membership``: the `orgs.models.Membership`, as saved.
- ``reason``: ``"left"``, ``"removed"`` or ``"account_deleted"``.

Attendance listens to give the person's seats at upcoming events to the waitlist.
"""

"""Attendance views, one module per page family: `rsvp` (widget, calendar feed), `answer`
(the signed "Did you attend?" link), `history` (my attendance), `checkin` (organisers).

`urls.py` imports the modules; nothing else should import views.
"""

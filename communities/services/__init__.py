"""Every write of communities; import the module you need (`communities.services.rounds`).

- `communities`: create and edit communities (org admins)
- `members`: join (double opt-in), snooze, pause, resume, leave, never-pair lists
- `rounds`: open + invite, remind, intake, extend, close
- `matching`: embed, match, book, introduce (ICS), reschedule, drop
- `followup`: "Did you meet?", `match_met`, ghosts
"""

"""Views of orgs: public pages (`public`), invite links (`invites`), org settings (`settings`)."""

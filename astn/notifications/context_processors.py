from django.utils.functional import SimpleLazyObject

from astn.notifications.selectors import notification_unread_count


def notifications(request):
    """Expose `unread_notifications` (the navbar bell's count), counted only when rendered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user))}

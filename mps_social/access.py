"""How views ask the permission registry: one decorator and one object lookup.

A visitor who is not signed in is sent to the login page; a signed-in user without the
page's permission gets 403; an object outside the user's scope is 404, exactly like an
object that does not exist, so the portal never confirms what a user may not see.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .permissions import has_perm


def permission_required(perm: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_permission = perm
        return wrapper

    return decorator


def get_for_user_or_404(user, perm: str, queryset, **lookup):
    """Fetch from ``queryset`` (already narrowed by a selector), then check ``perm`` on
    the object; anything missing or not permitted is the same 404."""
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None
    if not has_perm(user, perm, obj):
        raise Http404
    return obj

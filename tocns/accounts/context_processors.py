from . import selectors


def roles(request):
    # No user on a request refused before the authentication middleware ran (a bad Host header: 400).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"main_role": selectors.main_role(user), "is_officer": selectors.is_officer(user)}

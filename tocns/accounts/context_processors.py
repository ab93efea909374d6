from . import selectors


def roles(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"main_role": selectors.main_role(user), "is_officer": selectors.is_officer(user)}

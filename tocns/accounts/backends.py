from django.contrib.auth.backends import ModelBackend

from .models import User
from .selectors import find_user


class UsernameOrPhoneBackend(ModelBackend):
    """Members sign in with the phone number they know by heart; officers often with a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = find_user(username)
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal accounts
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

"""The sign-in backend: Django's ModelBackend, loading the signed-in user with their region."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithRegionBackend(ModelBackend):
    """ModelBackend whose per-request user comes with their home region in the same query.

    Nearly every page scopes its reads by the user's region path (accounts.scoping), so
    reading the user alone cost every page a second query for the region.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("region").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

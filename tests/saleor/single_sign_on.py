"""An authentication plugin of the tests' own, for Saleor's `PLUGINS`: the smallest one Saleor
supports, as a merchant's own single sign-on would be. It implements only `authenticate_user`,
for opaque tokens its identity provider issued (here a dict from token to e-mail), the way the
OpenID Connect plugin accepts its provider's access tokens. Imported by Saleor's plugin manager
inside the Saleor tier only."""

from typing import ClassVar

from saleor.account.models import User
from saleor.core.auth import get_token_from_request
from saleor.plugins.base_plugin import BasePlugin

PLUGIN_PATH = "tests.saleor.single_sign_on.SingleSignOnPlugin"


class SingleSignOnPlugin(BasePlugin):
    PLUGIN_ID = "tests.wfx.single-sign-on"
    PLUGIN_NAME = "Single sign-on (tests)"
    DEFAULT_ACTIVE = True
    CONFIGURATION_PER_CHANNEL = False

    # What the identity provider answers for each token it issued: whose it is.
    issued: ClassVar[dict[str, str]] = {}

    def authenticate_user(self, request, previous_value):  # type: ignore[no-untyped-def]
        email = self.issued.get(get_token_from_request(request) or "")
        if email is None:
            return previous_value
        return User.objects.filter(email=email, is_active=True).first() or previous_value

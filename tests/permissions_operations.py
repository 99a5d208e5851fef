"""Permission matrix rows for the operations pages and the public "See or delete your feedback" pages.

The retention report spans every area, so only superusers (the people who run the service) may read it. The
feedback pages are public: without a grant in the session they send the visitor back to the form (a redirect,
not the sign-in page); with one they show, or delete, that feedback.
"""

from __future__ import annotations

import time


def rules() -> dict:
    from sendhub.voice import access
    from sendhub.voice.models import Feedback
    from sendhub.voice.views_public import SESSION_ACCESS, SESSION_ERASED
    from tests import test_permissions as tp

    def feedback(w, area, tag) -> Feedback:
        return w._once("feedback", area, tag, lambda: Feedback.objects.create(area=area, respondent="parent_carer"))

    def access_granted(w, area, tag) -> dict:
        """The session of a writer who has just proved the feedback is theirs (reference and code)."""
        return {SESSION_ACCESS: {"pk": feedback(w, area, tag).pk, "area": area.pk, "until": time.time() + 600}}

    def erased(w, area, tag) -> dict:
        return {SESSION_ERASED: {"ref": "FB-ABCDEFGH", "area": area.pk, "outcome": access.DELETED}}

    return {
        "operations:retention-runs": tp.Rule({"get": tp.outcomes(frozenset({tp.SUPERUSER}))}),
        "voice-public:feedback-access": tp.open_to_all(("get", "post")),
        "voice-public:feedback-access-detail": tp.open_to_all(session=access_granted),
        "voice-public:feedback-delete": tp.open_to_all(("get", "post"), session=access_granted),
        "voice-public:feedback-deleted": tp.open_to_all(session=erased),
    }

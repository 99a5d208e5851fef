"""Every app's factories in one import, for tests that build across apps.

Each app's own factories live beside its tests (tests/<app>/factories.py); this module only gathers the ones most
tests need.
"""

from tests.accounts.factories import (  # noqa: F401
    PASSWORD,
    InvitationFactory,
    LocalAreaFactory,
    MembershipFactory,
    NationalOrganisationFactory,
    OrganisationFactory,
    UserFactory,
    member,
)
from tests.improvement.factories import (  # noqa: F401
    ActionFactory,
    CommentFactory,
    EvidenceFactory,
    FindingFactory,
    InspectionFactory,
    JudgementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
)

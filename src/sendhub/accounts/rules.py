"""Who may do what, in one place.

Every view declares one of these permissions; the object checked is the LocalArea for area-wide
permissions and the plan object itself for object permissions. Roles are per area (Membership).
"""

from __future__ import annotations

import rules

from sendhub.accounts.models import Membership, Role

READ_ROLES = frozenset(Role.values)
COMMENT_ROLES = frozenset({Role.ADMINISTRATOR, Role.EDITOR, Role.FORUM_MEMBER})


def membership_for(user, area) -> Membership | None:
    """The user's membership in the area, memoised on the user object for the request."""
    if user is None or not user.is_authenticated or area is None:
        return None
    user = getattr(user, "_wrapped", user)  # request.user is a lazy wrapper: cache on the real user
    cache = user.__dict__.setdefault("_sendhub_memberships", None)
    if cache is None:
        cache = {m.area_id: m for m in Membership.objects.filter(user=user).select_related("organisation")}
        user.__dict__["_sendhub_memberships"] = cache
    return cache.get(area.pk)


def role_in(user, area) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    membership = membership_for(user, area)
    return membership.role if membership else None


@rules.predicate
def is_area_member(user, area) -> bool:
    return role_in(user, area) in READ_ROLES


@rules.predicate
def is_area_administrator(user, area) -> bool:
    return role_in(user, area) == Role.ADMINISTRATOR


@rules.predicate
def can_comment_in_area(user, area) -> bool:
    return role_in(user, area) in COMMENT_ROLES


@rules.predicate
def is_forum_member_in_area(user, area) -> bool:
    return role_in(user, area) == Role.FORUM_MEMBER


@rules.predicate
def is_editor_in_area(user, area) -> bool:
    return role_in(user, area) == Role.EDITOR


@rules.predicate
def owns_action(user, action) -> bool:
    """An editor may update an action their organisation owns."""
    if role_in(user, action.area) != Role.EDITOR:
        return False
    membership = membership_for(user, action.area)
    return membership is not None and membership.organisation_id is not None and (
        membership.organisation_id == action.owner_id
    )


@rules.predicate
def administers_action_area(user, action) -> bool:
    return role_in(user, action.area) == Role.ADMINISTRATOR


@rules.predicate
def owns_manual_measure(user, measure) -> bool:
    """An editor may record values for a manual measure their organisation owns."""
    if role_in(user, measure.area) != Role.EDITOR:
        return False
    membership = membership_for(user, measure.area)
    return membership is not None and membership.organisation_id == measure.owner_id


@rules.predicate
def administers_measure_area(user, measure) -> bool:
    return role_in(user, measure.area) == Role.ADMINISTRATOR


@rules.predicate
def maintains_listing(user, service) -> bool:
    """An editor may propose changes to listings of providers linked to their organisation."""
    if role_in(user, service.area) != Role.EDITOR:
        return False
    membership = membership_for(user, service.area)
    partner_id = service.organization.partner_id if service.organization_id else None
    return membership is not None and partner_id is not None and membership.organisation_id == partner_id


@rules.predicate
def administers_listing_area(user, service) -> bool:
    return role_in(user, service.area) == Role.ADMINISTRATOR


# Area-wide permissions: the object is a LocalArea.
rules.add_perm("area.view", is_area_member)
rules.add_perm("area.manage", is_area_administrator)
rules.add_perm("area.comment", can_comment_in_area)
rules.add_perm("area.update_own_actions", is_area_administrator | is_editor_in_area)
# The Parent Carer Forum's own work: recording co-production and drafting "You said, we did" entries. Publishing
# an entry on the public page stays with administrators (area.manage).
rules.add_perm("area.coproduce", is_area_administrator | is_forum_member_in_area)
# Object permissions: the object is an improvement Action.
rules.add_perm("action.update", administers_action_area | owns_action)
# Object permissions: the object is an outcomes ManualMeasure.
rules.add_perm("manual_measure.record", administers_measure_area | owns_manual_measure)
# Object permissions: the object is a directory Service. Administrators publish changes at once; a provider's
# editors propose changes that wait for an administrator's approval.
rules.add_perm("listing.publish", administers_listing_area)
rules.add_perm("listing.propose", administers_listing_area | maintains_listing)

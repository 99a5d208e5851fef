"""Area administration: people, invitations and organisations. Included under areas/<area_slug>/."""

from django.urls import path

from sendhub.accounts import views

app_name = "area-admin"
urlpatterns = [
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/invite/", views.InviteView.as_view(), name="invite"),
    path("people/<int:pk>/edit/", views.MembershipEditView.as_view(), name="membership-edit"),
    path("people/<int:pk>/remove/", views.MembershipRemoveView.as_view(), name="membership-remove"),
    path("people/invitations/<int:pk>/cancel/", views.InvitationCancelView.as_view(), name="invitation-cancel"),
    path("people/audit-log/", views.AuditLogView.as_view(), name="audit-log"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/new/", views.OrganisationCreateView.as_view(), name="organisation-create"),
    path("organisations/<int:pk>/edit/", views.OrganisationEditView.as_view(), name="organisation-edit"),
]

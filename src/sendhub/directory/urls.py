"""Local Offer pages, mounted at /areas/<area_slug>/local-offer/ (namespace "directory")."""

from django.urls import path

from sendhub.directory import views

app_name = "directory"
urlpatterns = [
    # Public: no sign-in.
    path("", views.SearchView.as_view(), name="search"),
    path("services/<uuid:pk>/", views.ServiceView.as_view(), name="service"),
    path("services/<uuid:pk>/report/", views.ReportProblemView.as_view(), name="report"),
    path("services/<uuid:pk>/report/sent/", views.ReportSentView.as_view(), name="report-sent"),
    # Staff: members of the area.
    path("manage/", views.ListingListView.as_view(), name="listing-list"),
    path("manage/new/", views.ListingCreateView.as_view(), name="listing-create"),
    path("manage/<uuid:pk>/edit/", views.ListingEditView.as_view(), name="listing-edit"),
    path("manage/changes/<int:pk>/", views.ChangeWaitingView.as_view(), name="change-waiting"),
    path("manage/approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("manage/approvals/<int:pk>/", views.ChangeReviewView.as_view(), name="change-review"),
    path("manage/data-quality/", views.DataQualityView.as_view(), name="data-quality"),
    path("manage/problems/<int:pk>/", views.ProblemResolveView.as_view(), name="problem-resolve"),
    path("manage/coverage/", views.CoverageView.as_view(), name="coverage"),
]

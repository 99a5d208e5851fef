"""Staff voice pages, mounted by the project at ``areas/<slug:area_slug>/voice/``."""

from django.urls import path

from sendhub.voice import views_staff as views

app_name = "voice"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("themes/<slug:theme>/", views.ThemeDetailView.as_view(), name="theme-detail"),
    path("comments/", views.CommentListView.as_view(), name="comment-list"),
    path("comments/<int:pk>/", views.CommentDetailView.as_view(), name="comment-detail"),
    path(
        "comments/<int:pk>/safeguarding-reviewed/",
        views.SafeguardingReviewedView.as_view(),
        name="safeguarding-reviewed",
    ),
    path("retrain/", views.RetrainView.as_view(), name="retrain"),
    path("forum/", views.ForumView.as_view(), name="forum"),
    path("co-production/", views.CoproductionListView.as_view(), name="coproduction-list"),
    path("co-production/new/", views.CoproductionCreateView.as_view(), name="coproduction-create"),
    path("co-production/<int:pk>/", views.CoproductionDetailView.as_view(), name="coproduction-detail"),
    path("co-production/<int:pk>/edit/", views.CoproductionEditView.as_view(), name="coproduction-edit"),
    path("you-said-we-did/", views.YsdListView.as_view(), name="ysd-list"),
    path("you-said-we-did/new/", views.YsdCreateView.as_view(), name="ysd-create"),
    path("you-said-we-did/<int:pk>/", views.YsdDetailView.as_view(), name="ysd-detail"),
    path("you-said-we-did/<int:pk>/edit/", views.YsdEditView.as_view(), name="ysd-edit"),
    path("you-said-we-did/<int:pk>/publish/", views.YsdPublishView.as_view(), name="ysd-publish"),
]

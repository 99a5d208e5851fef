from django.urls import path

from sendhub.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="meeting-list"),
    path("edit/", views.BoardEditView.as_view(), name="board-edit"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting-create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<int:pk>/agenda/new/", views.AgendaItemCreateView.as_view(), name="agenda-item-create"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/edit/",
        views.AgendaItemEditView.as_view(),
        name="agenda-item-edit",
    ),
    path("meetings/<int:pk>/papers/new/", views.PaperCreateView.as_view(), name="paper-create"),
    path("meetings/<int:pk>/papers/<int:paper_pk>/", views.PaperDownloadView.as_view(), name="paper-download"),
    path("meetings/<int:pk>/decisions/new/", views.DecisionCreateView.as_view(), name="decision-create"),
    path(
        "meetings/<int:pk>/actions-arising/new/",
        views.ActionArisingCreateView.as_view(),
        name="action-arising-create",
    ),
    path(
        "meetings/<int:pk>/actions-arising/<int:arising_pk>/edit/",
        views.ActionArisingEditView.as_view(),
        name="action-arising-edit",
    ),
    path(
        "meetings/<int:pk>/actions-arising/<int:arising_pk>/promote/",
        views.ActionArisingPromoteView.as_view(),
        name="action-arising-promote",
    ),
    path("meetings/<int:pk>/minutes/", views.MinutesEditView.as_view(), name="minutes-edit"),
    path("meetings/<int:pk>/minutes/approve/", views.MinutesApproveView.as_view(), name="minutes-approve"),
]

"""Staff survey pages, mounted at /areas/<area_slug>/surveys/ (namespace "surveys")."""

from django.urls import path

from sendhub.voice import views_surveys as views

app_name = "surveys"
urlpatterns = [
    path("", views.SurveyListView.as_view(), name="list"),
    path("new/", views.SurveyCreateView.as_view(), name="create"),
    path("<int:pk>/", views.SurveyDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SurveyEditView.as_view(), name="edit"),
    path("<int:pk>/questions/new/", views.QuestionCreateView.as_view(), name="question-create"),
    path("<int:pk>/questions/<int:question_pk>/edit/", views.QuestionEditView.as_view(), name="question-edit"),
    path("<int:pk>/questions/<int:question_pk>/move/", views.QuestionMoveView.as_view(), name="question-move"),
    path("<int:pk>/questions/<int:question_pk>/delete/", views.QuestionDeleteView.as_view(), name="question-delete"),
    path("<int:pk>/waves/new/", views.WaveCreateView.as_view(), name="wave-create"),
    path("<int:pk>/waves/<int:wave_pk>/status/", views.WaveStatusView.as_view(), name="wave-status"),
    path("<int:pk>/results/", views.SurveyResultsView.as_view(), name="results"),
    path("<int:pk>/export.csv", views.SurveyExportCsvView.as_view(), name="export-csv"),
]

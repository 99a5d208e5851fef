"""Public "Have your say" pages, mounted at /areas/<area_slug>/have-your-say/ (namespace "voice-public")."""

from django.urls import path

from sendhub.voice import views_public

app_name = "voice-public"
urlpatterns = [
    path("", views_public.HaveYourSayView.as_view(), name="index"),
    path("feedback/", views_public.FeedbackView.as_view(), name="feedback"),
    path("feedback/sent/", views_public.FeedbackSentView.as_view(), name="feedback-sent"),
    path("your-feedback/", views_public.FeedbackAccessView.as_view(), name="feedback-access"),
    path("your-feedback/view/", views_public.FeedbackAccessDetailView.as_view(), name="feedback-access-detail"),
    path("your-feedback/delete/", views_public.FeedbackDeleteView.as_view(), name="feedback-delete"),
    path("your-feedback/deleted/", views_public.FeedbackDeletedView.as_view(), name="feedback-deleted"),
    path("surveys/<slug:survey_slug>/", views_public.SurveyRespondView.as_view(), name="survey"),
    path("surveys/<slug:survey_slug>/sent/", views_public.SurveySentView.as_view(), name="survey-sent"),
]

from django.urls import path

from sendhub.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("sign-in/link/", views.SignInLinkRequestView.as_view(), name="sign-in-link-request"),
    path("sign-in/link/<str:token>/", views.SignInLinkView.as_view(), name="sign-in-link"),
    path("new-password/", views.NewPasswordView.as_view(), name="new-password"),
    path("two-factor/", views.TwoFactorView.as_view(), name="two-factor"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
]

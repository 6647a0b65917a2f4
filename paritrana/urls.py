"""URL configuration: the admin, sign-in (password, then the second factor), language switch and the awards app."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from awards.views import second_factor

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("masuk/", second_factor.SignInView.as_view(), name="login"),
    path("masuk/kode/", second_factor.SignInCodeView.as_view(), name="login-code"),
    path("akun/faktor-kedua/", second_factor.SecondFactorView.as_view(), name="second-factor"),
    path("akun/faktor-kedua/daftar/", second_factor.SecondFactorEnrolView.as_view(), name="second-factor-enrol"),
    path("akun/faktor-kedua/kode-cadangan/", second_factor.RecoveryCodesView.as_view(),
         name="second-factor-recovery-codes"),
    path("akun/faktor-kedua/hapus/", second_factor.SecondFactorRemoveView.as_view(), name="second-factor-remove"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", include("awards.account_urls")),
    path("", include("awards.urls")),
]

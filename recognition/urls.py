"""The recognition pages, mounted at /recognition/ (docs/incentives.md)."""

from django.urls import path

from . import views

app_name = "recognition"
urlpatterns = [
    path("", views.home, name="home"),
    path("fame/", views.fame, name="fame"),
    path("contests/<slug:code>/", views.contest_detail, name="contest"),
]

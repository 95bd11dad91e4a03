"""The plan handbook under /handbook/ (included in the "dashboards" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="handbooks"),
    path("<str:code>/", views.handbook, name="handbook"),
    path("<str:code>/pdf/", views.handbook_pdf, name="handbook-pdf"),
]

"""The score pages under /scores/ (included in the "dashboards" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.portfolio_page, name="score-portfolio"),
    path("csm/<str:employee_id>/", views.portfolio_page, name="score-portfolio-csm"),
    path("customers/<str:customer_id>/", views.customer, name="score-customer"),
    path("scorecards/<slug:code>/", views.scorecard_version, name="scorecard"),
    path("scorecards/<slug:code>/v<str:version>/", views.scorecard_version, name="scorecard-version"),
]

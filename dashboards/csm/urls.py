"""The CSM's pages under /my/ (included in the "dashboards" namespace). The same names serve a CSM's
own pages and, with ``employee_id``, the pages a CSVP, the CCO, finance, ops or an admin opens."""

from django.urls import path

from . import pdf_views, views

urlpatterns = [
    path("", views.my_quarter, name="csm-quarter"),
    path("what-if/", views.what_if, name="csm-whatif"),
    path("statements/<int:run_id>/", views.statement, name="csm-statement"),
    path("statements/<int:run_id>/pdf/", pdf_views.statement_pdf, name="csm-statement-pdf"),
    path("<str:employee_id>/", views.my_quarter, name="csm-quarter"),
    path("<str:employee_id>/what-if/", views.what_if, name="csm-whatif"),
    path("<str:employee_id>/statements/<int:run_id>/", views.statement, name="csm-statement"),
    path("<str:employee_id>/statements/<int:run_id>/pdf/", pdf_views.statement_pdf, name="csm-statement-pdf"),
]

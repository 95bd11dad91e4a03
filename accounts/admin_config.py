"""``django.contrib.admin`` with ``accounts.admin_site.AttainAdminSite`` as ``admin.site`` (INSTALLED_APPS).

A module of its own: an app config is imported before the apps are ready, the site's forms after.
"""

from django.contrib.admin.apps import AdminConfig


class AttainAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.AttainAdminSite"

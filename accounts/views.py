"""Account pages Attain adjusts: the password-reset e-mail links on ``SITE_URL`` like every e-mail."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, with the e-mailed link built on ``SITE_URL`` (core.links) rather than on the Host
    header the request came with, which a client chooses."""

    def form_valid(self, form):
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.extra_email_context,
        )
        return HttpResponseRedirect(self.get_success_url())

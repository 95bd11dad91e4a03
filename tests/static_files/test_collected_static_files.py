"""With DEBUG off the pages name collected static files by hashed names, which the app serves compressed
and cacheable for a year (config/settings.py STORAGES, config/staticfiles.py); the charts load
plotly.js's cartesian bundle from our own files."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def collected(tmp_path):
    """The production storage, collected into a fresh STATIC_ROOT (the large third-party bundles the
    login page does not use left out, to keep the test quick)."""
    with override_settings(STORAGES=MANIFEST, STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False):
        call_command(
            "collectstatic",
            "--noinput",
            "--ignore=admin",
            "--ignore=drf_spectacular_sidecar",
            "--ignore=rest_framework",
            "--ignore=plotly",
            verbosity=0,
        )
        yield tmp_path


@pytest.mark.django_db
def test_pages_name_hashed_static_files_served_compressed_and_immutable_for_a_year(collected):
    client = Client()  # a new handler: whitenoise reads the overridden settings when it starts

    html = client.get("/accounts/login/").content.decode()
    css = re.search(r'href="(/static/attain\.[0-9a-f]{12}\.css)"', html)
    assert css, "the page names attain.css by its hashed name"
    assert re.search(r'href="/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css"', html)

    for encoding in ("gzip", "br"):
        response = client.get(css.group(1), HTTP_ACCEPT_ENCODING=encoding)
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        cache_control = response["Cache-Control"]
        assert "max-age=31536000" in cache_control and "immutable" in cache_control

    plain = client.get("/static/attain.css")
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]  # a plain name changes content with each release


@pytest.mark.django_db
def test_the_charts_load_plotlys_cartesian_bundle_from_our_static_files(client):
    from django.template.loader import render_to_string

    from dashboards.csm.charts import trends

    html = render_to_string("dashboards/_chart.html", {"chart": trends({})})
    assert re.findall(r'data-plotly="([^"]+)"', html) == ["/static/vendor/plotly/plotly-cartesian.min.js"]
    for template in ("dashboards/csm/_assets.html", "dashboards/team/_scripts.html"):
        assert "plotly" not in render_to_string(template)  # loaded by charts.js when a chart is drawn
    response = client.get("/static/vendor/plotly/plotly-cartesian.min.js")
    assert response.status_code == 200
    assert b"plotly.js (cartesian" in b"".join(response.streaming_content)[:200]

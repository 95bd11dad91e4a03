# Attain's application image: the web server (gunicorn), the Celery worker and Celery beat share it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Statement PDFs (WeasyPrint): Pango and Debian's fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY config ./config
COPY core ./core
COPY accounts ./accounts
COPY adoption ./adoption
COPY commissions ./commissions
COPY approvals ./approvals
COPY audit ./audit
COPY api ./api
COPY dashboards ./dashboards
COPY templates ./templates
COPY static ./static
COPY manage.py ./

RUN pip install . \
    && SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
    && useradd --system --home /app attain
USER attain

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]

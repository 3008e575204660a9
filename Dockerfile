FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cadre_portal.settings.prod

# gettext: msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Production settings refuse to load without their secrets; these placeholders exist only at build
# time, for commands that need no database.
RUN export SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build \
    && python manage.py compilemessages --ignore=.venv -v0 \
    && python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 10001 --create-home app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER app

EXPOSE 8000
CMD ["gunicorn", "cadre_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

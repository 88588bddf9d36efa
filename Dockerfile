# The production image: gunicorn + whitenoise for web; the same image runs the
# Celery worker and beat (see docker-compose.yml).
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/vendor_assets.sh scripts/
RUN ASTN_VAR_DIR=/src/var bash scripts/vendor_assets.sh

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=astn.settings.production \
    ASTN_VAR_DIR=/app/var
WORKDIR /app
RUN useradd --create-home --uid 1000 astn
COPY pyproject.toml README.md ./
COPY astn astn
COPY orgs orgs
COPY events events
COPY attendance attendance
COPY engagement engagement
COPY communities communities
COPY crm crm
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /src/var/vendor /app/var/vendor
# collectstatic needs settings to load; these placeholders never reach runtime.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build/none \
    REDIS_URL=redis://build:6379/0 FIELD_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/mail /app/var/uploads && chown -R astn /app/var
USER astn
EXPOSE 8000
CMD ["gunicorn", "astn.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]

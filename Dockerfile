# The web app under gunicorn. Build: docker compose build. Assets are compiled in a Node stage.
# gunicorn: WEB_CONCURRENCY sync workers (about 2 per core less one is a fair start: each holds one
# database connection, kept for CONN_MAX_AGE seconds); a worker silent for GUNICORN_TIMEOUT
# seconds is restarted (the slowest page, a first PDF, takes a few); each worker is replaced after
# about 2,000 requests so that memory cannot creep.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN npm run -s build:css

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN pip install --no-cache-dir uv==0.9.5
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project
COPY . .
COPY --from=assets /app/node_modules/govuk-frontend/dist node_modules/govuk-frontend/dist
COPY --from=assets /app/node_modules/accessible-autocomplete/dist node_modules/accessible-autocomplete/dist
COPY --from=assets /app/static/build static/build
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
RUN useradd --system --home /app app && mkdir -p var/media && chown -R app var
USER app
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py load_register && gunicorn mash_survey.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --timeout ${GUNICORN_TIMEOUT:-60} --max-requests 2000 --max-requests-jitter 200 --access-logfile -"]

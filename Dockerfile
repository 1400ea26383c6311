FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 PORT=8000 DATA_DIR=/data

# Dependencies first, at the exact versions of requirements.lock (`make lock`), so that every
# build installs the same packages and a code change does not reinstall them.
COPY requirements.lock ./
RUN pip install --no-cache-dir --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY mentorgraph ./mentorgraph
COPY schema ./schema
COPY resolvers ./resolvers
COPY models ./models
COPY schema.graphql ./
RUN pip install --no-cache-dir --no-deps . \
    && useradd --create-home app && mkdir -p /data && chown app /data

# The embedded SQLite database and the generated development secret live here when
# DATABASE_URL / JWT_SECRET are not set; keep them across container re-creation.
VOLUME ["/data"]
USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=5 \
  CMD python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=2)"
# Serving only: migrations run once per deployment, before any server starts (`mentorgraph
# migrate`; docker-compose.yml's one-shot `migrate` service), never in each of several replicas
# at once. Exec form: the server is PID 1, so `docker stop`'s SIGTERM reaches it and it shuts
# down cleanly.
CMD ["mentorgraph", "serve"]

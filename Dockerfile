FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 PORT=8000 DATA_DIR=/data

# Dependencies first, from pyproject.toml alone, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt && rm /tmp/requirements.txt
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
# Migrate before serving: the image is the only thing that knows its own schema version.
# `exec` makes the server PID 1, so `docker stop`'s SIGTERM reaches it and it shuts down cleanly.
CMD ["sh", "-c", "mentorgraph migrate && exec mentorgraph serve"]

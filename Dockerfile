FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOST=0.0.0.0 PORT=8000 DATA_DIR=/data
COPY pyproject.toml README.md ./
COPY mentorgraph ./mentorgraph
COPY schema ./schema
COPY resolvers ./resolvers
COPY models ./models
COPY schema.graphql ./
RUN pip install --no-cache-dir . && useradd --create-home app && mkdir -p /data && chown app /data
USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
# Migrate before serving: the image is the only thing that knows its own schema version.
CMD ["sh", "-c", "mentorgraph migrate && mentorgraph serve"]

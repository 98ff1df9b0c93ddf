# syntax=docker/dockerfile:1
# One image for every PingCRM process: the pod's args pick it
# (`serve auth|contacts|suggestions|media|edge`, `migrate`, `keys generate`).
#   docker build -t pingcrm:dev .

# --- build: resolve exactly uv.lock into /opt/pingcrm ------------------------
FROM python:3.11-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/opt/pingcrm
WORKDIR /src
# Dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
# Then the project itself, as a regular (non-editable) wheel install.
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

# --- runtime -----------------------------------------------------------------
FROM python:3.11-slim
RUN groupadd --system --gid 10001 pingcrm \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin pingcrm
COPY --from=build /opt/pingcrm /opt/pingcrm
ENV PATH=/opt/pingcrm/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PINGCRM_DATA_DIR=/var/lib/pingcrm
# Kubernetes mounts an emptyDir here (the root filesystem is read-only);
# under plain `docker run` it is a writable directory of the image.
RUN mkdir -p /var/lib/pingcrm && chown 10001:10001 /var/lib/pingcrm
WORKDIR /var/lib/pingcrm
# Numeric, so runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8000 50051 50052 50053 50054
ENTRYPOINT ["pingcrm"]
CMD ["--help"]

# qraudit in a container: a build stage with the Rust toolchain, then a small Debian runtime
# that holds only the binary and runs as an unprivileged user.
#   docker build -t qraudit .
#   docker run --rm -v "$PWD:/scan:ro" qraudit scan --format sarif .
#   docker run --rm -p 8080:8080 -e QRAUDIT_TOKEN qraudit serve --listen 0.0.0.0:8080
# The entry point is the binary itself (exec form): nothing at run time needs a shell.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin qraudit \
    && strip target/release/qraudit

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin qraudit
COPY --from=build /src/target/release/qraudit /usr/local/bin/qraudit
USER qraudit
WORKDIR /scan
EXPOSE 8080
ENTRYPOINT ["qraudit"]
CMD ["--help"]

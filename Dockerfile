# The image of `release`: the static musl binary built by scripts/build-binaries.sh (in dist/),
# on Alpine with what the tag gate runs (git, gpg, ssh-keygen) and CA certificates. No
# compiler, no Rust toolchain: this project's release workflows build dist/ first, then
#   docker buildx build --platform linux/amd64,linux/arm64 .
FROM --platform=$BUILDPLATFORM alpine:3.20 AS pick
ARG TARGETARCH
COPY dist/ /dist/
RUN case "$TARGETARCH" in \
      amd64) target=x86_64-unknown-linux-musl ;; \
      arm64) target=aarch64-unknown-linux-musl ;; \
      *) echo "no static release binary for $TARGETARCH" >&2; exit 1 ;; \
    esac \
    && install -m 0755 "/dist/release-$target" /release

FROM alpine:3.20
RUN apk add --no-cache ca-certificates git gnupg openssh-keygen \
    && adduser -D -u 10001 release
COPY --from=pick /release /usr/local/bin/release
USER release
WORKDIR /work
ENTRYPOINT ["release"]
CMD ["--help"]

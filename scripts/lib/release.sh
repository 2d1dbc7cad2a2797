# The release dlctl every script builds and runs, built one way only (a different flag set
# rebuilds everything). The Swift runtime and Foundation are linked in statically: a one-liner
# then maps one file instead of a dozen shared libraries, which a burst of a thousand of them
# on two cores spent seconds on in the dynamic loader before main.
dlctl_build_release() {
  swift build -c release --product dlctl --static-swift-stdlib "$@"
}

dlctl_release_binary() {
  echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/dlctl"
}

#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) into
# build-fuzz/ and runs each for a while on its seed corpus. Not wired into ctest.
#   tests/fuzz/run_fuzzers.sh [SECONDS per target, default 60]
# A crash leaves crash-* in build-fuzz/; copy it into tests/fuzz/corpus/<target>/ so that the
# regression test (Safetensors.FuzzCorpusIsHandled in test_weights_unit) keeps it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-60}"
out="$root/build-fuzz"
mkdir -p "$out"
CXX="${CXX_FUZZ:-clang++}"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
       -I"$root/inference/include" -I"$root/inference/src")
"$CXX" "${flags[@]}" -o "$out/fuzz_safetensors_header" \
  "$root/tests/fuzz/fuzz_safetensors_header.cpp" \
  "$root/inference/src/safetensors_parse.cpp" "$root/inference/src/json_util.cpp" \
  "$root/inference/src/status.cpp"
work="$out/corpus-safetensors"
mkdir -p "$work"
cd "$out"
./fuzz_safetensors_header -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 \
  -dict="$root/tests/fuzz/safetensors.dict" "$work" "$root/tests/fuzz/corpus/safetensors"

# The SSE parser and chat-stream interpreter (app/src/backend; needs Qt Core only).
"$CXX" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fPIC \
  -I"$root/app/src" $(pkg-config --cflags Qt6Core) -o "$out/fuzz_sse" \
  "$root/tests/fuzz/fuzz_sse.cpp" "$root/app/src/backend/sse_parser.cpp" \
  $(pkg-config --libs Qt6Core)
mkdir -p "$out/corpus-sse"
./fuzz_sse -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 "$out/corpus-sse" \
  "$root/tests/fuzz/corpus/sse"

# The server's HTTP request parser and chat request validation (app/src/server; Qt Core/Network).
"$CXX" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fPIC \
  -I"$root/app/src" $(pkg-config --cflags Qt6Core Qt6Network) -o "$out/fuzz_http_request" \
  "$root/tests/fuzz/fuzz_http_request.cpp" "$root/app/src/server/http_message.cpp" \
  "$root/app/src/server/chat_request.cpp" $(pkg-config --libs Qt6Core Qt6Network)
mkdir -p "$out/corpus-http"
./fuzz_http_request -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 "$out/corpus-http" \
  "$root/tests/fuzz/corpus/http"

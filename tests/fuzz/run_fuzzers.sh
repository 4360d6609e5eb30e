#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) into
# build-fuzz/ and runs each for a while on its seed corpus. ctest replays every corpus without
# libFuzzer (tests/fuzz/CMakeLists.txt, fuzz_replay_*); fuzzing itself is this script.
#   tests/fuzz/run_fuzzers.sh [SECONDS per target, default 60]
# A crash leaves crash-* in build-fuzz/; copy it into tests/fuzz/corpus/<target>/ so that ctest
# (fuzz_replay_<target>; for safetensors also Safetensors.FuzzCorpusIsHandled) keeps it.
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

# app/src/tags (the taxonomy code references the compiled-in resources, so rcc makes them).
rcc="$(pkg-config --variable=libexecdir Qt6Core 2>/dev/null || echo /usr/lib/qt6/libexec)/rcc"
[ -x "$rcc" ] || rcc=/usr/lib/qt6/libexec/rcc
"$rcc" -name vistag -o "$out/qrc_vistag.cpp" "$root/resources/vistag.qrc"
tags_sources=("$root/app/src/tags/taxonomy.cpp" "$root/app/src/tags/term_normalize.cpp"
              "$root/app/src/tags/tag_schema.cpp" "$root/app/src/tags/types.cpp"
              "$out/qrc_vistag.cpp")
# The server's HTTP request parser and chat request validation (app/src/server; Qt Core/Network).
# chat_request.cpp reaches the engine request conversion, which reads image files (OpenCV).
request_sources=("$root/app/src/server/chat_request.cpp" "$root/app/src/server/http_message.cpp"
                 "$root/app/src/backend/engine_request.cpp"
                 "$root/inference/src/imageio/image_header.cpp"
                 "$root/inference/src/imageio/image_file.cpp" "$root/inference/src/status.cpp")
"$CXX" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fPIC \
  -I"$root/app/src" -I"$root/inference/include" -I"$root/inference/src" \
  $(pkg-config --cflags Qt6Core Qt6Network opencv4) -o "$out/fuzz_http_request" \
  "$root/tests/fuzz/fuzz_http_request.cpp" "${request_sources[@]}" "${tags_sources[@]}" \
  $(pkg-config --libs Qt6Core Qt6Network) -lopencv_core -lopencv_imgcodecs -lopencv_imgproc
mkdir -p "$out/corpus-http"
./fuzz_http_request -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 "$out/corpus-http" \
  "$root/tests/fuzz/corpus/http"

# The response_format json_schema (limit walk and tagSchemaFromJsonSchema) and the taxonomy
# loader (app/src/server, app/src/tags; Qt Core/Network).
"$CXX" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fPIC \
  -I"$root/app/src" -I"$root/inference/include" -I"$root/inference/src" \
  $(pkg-config --cflags Qt6Core Qt6Network opencv4) -o "$out/fuzz_tag_schema" \
  "$root/tests/fuzz/fuzz_tag_schema.cpp" "${request_sources[@]}" "${tags_sources[@]}" \
  $(pkg-config --libs Qt6Core Qt6Network) -lopencv_core -lopencv_imgcodecs -lopencv_imgproc
mkdir -p "$out/corpus-tag-schema"
./fuzz_tag_schema -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 \
  "$out/corpus-tag-schema" "$root/tests/fuzz/corpus/tag_schema"
"$CXX" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fPIC \
  -I"$root/app/src" -I"$root/inference/include" $(pkg-config --cflags Qt6Core) \
  -o "$out/fuzz_taxonomy" "$root/tests/fuzz/fuzz_taxonomy.cpp" "${tags_sources[@]}" \
  $(pkg-config --libs Qt6Core)
mkdir -p "$out/corpus-taxonomy"
./fuzz_taxonomy -max_total_time="$secs" -max_len=8192 -rss_limit_mb=2048 "$out/corpus-taxonomy" \
  "$root/tests/fuzz/corpus/taxonomy"

// Safetensors files: valid ones load with correct views; hostile ones give clear errors.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>

#include "vistag/inference/safetensors.h"
#include "weights_test_util.h"

using namespace vistag::inference;
using namespace vistag::testing;

namespace {

// Expects an ErrorCode::Weights error whose message contains every fragment.
template <typename T>
void expectWeightsError(const Expected<T>& result, std::initializer_list<const char*> fragments) {
    ASSERT_FALSE(result.hasValue()) << "expected an error";
    EXPECT_EQ(result.error().code(), ErrorCode::Weights);
    for (const char* f : fragments) {
        EXPECT_NE(result.error().message().find(f), std::string::npos)
            << "message lacks \"" << f << "\": " << result.error().message();
    }
}

Expected<WeightStore> openBytes(const TempDir& dir, const std::string& bytes,
                                const std::string& name = "model.safetensors") {
    writeFile(dir.file(name), bytes);
    return WeightStore::openFile(dir.file(name));
}

const std::string kTensorHeader = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                  R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";

}  // namespace

TEST(DType, NamesAndSizes) {
    EXPECT_EQ(dtypeSize(DType::F32), 4u);
    EXPECT_EQ(dtypeSize(DType::BF16), 2u);
    EXPECT_EQ(dtypeSize(DType::F8_E4M3), 1u);
    EXPECT_EQ(dtypeSize(DType::I64), 8u);
    EXPECT_STREQ(dtypeName(DType::F8_E5M2), "F8_E5M2");
    DType d{};
    EXPECT_TRUE(parseDType("BOOL", d));
    EXPECT_EQ(d, DType::BOOL);
    EXPECT_FALSE(parseDType("f32", d));
    EXPECT_TRUE(isFloatingDType(DType::BF16));
    EXPECT_FALSE(isFloatingDType(DType::I8));
}

TEST(Safetensors, ValidFileLoadsWithCorrectViews) {
    TempDir dir;
    const std::string bytes = validSafetensors({{"z.weight", "F32", {2, 3}},
                                                {"a.bias", "BF16", {3}},
                                                {"m.half", "F16", {1, 2, 2}},
                                                {"scalar", "F32", {}},
                                                {"empty", "F32", {0, 4}}});
    auto store = openBytes(dir, bytes);
    ASSERT_TRUE(store.hasValue()) << store.error().message();
    EXPECT_EQ(store->names(),
              (std::vector<std::string>{"a.bias", "empty", "m.half", "scalar", "z.weight"}));
    EXPECT_EQ(store->size(), 5u);
    EXPECT_EQ(store->totalBytes(), 24u + 6u + 8u + 4u + 0u);

    const TensorView* z = store->find("z.weight");
    ASSERT_NE(z, nullptr);
    EXPECT_EQ(z->dtype, DType::F32);
    EXPECT_EQ(z->shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(z->nbytes, 24u);
    EXPECT_EQ(z->numel(), 6u);
    EXPECT_EQ(z->file, dir.file("model.safetensors"));
    const size_t headerLen = bytes.size() - 8 - 42;
    EXPECT_EQ(0, std::memcmp(z->data, bytes.data() + 8 + headerLen, 24));

    const TensorView* a = store->find("a.bias");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->dtype, DType::BF16);
    EXPECT_EQ(0, std::memcmp(a->data, bytes.data() + 8 + headerLen + 24, 6));
    EXPECT_EQ(store->find("m.half")->dtype, DType::F16);
    EXPECT_TRUE(store->find("scalar")->shape.empty());
    EXPECT_EQ(store->find("scalar")->numel(), 1u);
    EXPECT_EQ(store->find("empty")->nbytes, 0u);
    EXPECT_EQ(store->find("nope"), nullptr);
    ASSERT_EQ(store->files().size(), 1u);
    EXPECT_EQ(store->files()[0].metadata().at("format"), "pt");
}

TEST(Safetensors, ViewsSurviveMovingTheStore) {
    TempDir dir;
    auto store = openBytes(dir, validSafetensors({{"w", "F32", {4}}}));
    ASSERT_TRUE(store.hasValue());
    const std::byte* data = store->find("w")->data;
    WeightStore moved = std::move(*store);
    WeightStore again = std::move(moved);
    ASSERT_NE(again.find("w"), nullptr);
    EXPECT_EQ(again.find("w")->data, data);
    EXPECT_EQ(static_cast<int>(again.find("w")->data[1]), 10);
}

TEST(Safetensors, EmptyHeaderWithNoDataIsValid) {
    TempDir dir;
    auto store = openBytes(dir, rawSafetensors("{}  ", ""));
    ASSERT_TRUE(store.hasValue()) << store.error().message();
    EXPECT_EQ(store->size(), 0u);
}

TEST(Safetensors, TooShortFiles) {
    TempDir dir;
    expectWeightsError(openBytes(dir, ""), {"model.safetensors", "0 bytes", "too short"});
    expectWeightsError(openBytes(dir, "1234567"), {"7 bytes", "too short"});
}

TEST(Safetensors, MissingFile) {
    TempDir dir;
    expectWeightsError(WeightStore::openFile(dir.file("absent.safetensors")),
                       {"absent.safetensors", "cannot open"});
    expectWeightsError(WeightStore::openFile(dir.path().string()), {"not a regular file"});
}

TEST(Safetensors, TruncatedFile) {
    TempDir dir;
    std::string bytes = validSafetensors({{"a", "F32", {4}}, {"b", "F32", {16}}});
    bytes.resize(bytes.size() - 10);
    expectWeightsError(openBytes(dir, bytes), {"model.safetensors", "tensor 'b'", "truncated"});
    // Cut inside the header.
    bytes.resize(20);
    expectWeightsError(openBytes(dir, bytes), {"runs past the end of the file", "truncated"});
}

TEST(Safetensors, HeaderLengthPastEndOfFile) {
    TempDir dir;
    expectWeightsError(openBytes(dir, rawSafetensors(1000, "{}", "")),
                       {"header length 1000", "past the end"});
}

TEST(Safetensors, HugeHeaderLength) {
    TempDir dir;
    expectWeightsError(openBytes(dir, rawSafetensors(uint64_t{1} << 63, "{}", "")),
                       {"header length 9223372036854775808", "100 MB"});
    expectWeightsError(openBytes(dir, rawSafetensors(~uint64_t{0}, "{}", "")), {"100 MB"});
    expectWeightsError(openBytes(dir, rawSafetensors(100'000'001, "{}", "")), {"100 MB"});
}

TEST(Safetensors, HeaderNotJson) {
    TempDir dir;
    expectWeightsError(openBytes(dir, rawSafetensors("[1,2]", "")), {"does not start with '{'"});
    expectWeightsError(openBytes(dir, rawSafetensors(" {}", "")), {"does not start with '{'"});
    expectWeightsError(openBytes(dir, rawSafetensors(0, "", "")), {"does not start with '{'"});
    expectWeightsError(openBytes(dir, rawSafetensors("{\"a\": nope}", "")),
                       {"model.safetensors", "not valid JSON"});
    expectWeightsError(openBytes(dir, rawSafetensors("{\"a\":1} trailing", "")),
                       {"not valid JSON"});
    // Invalid UTF-8 in a tensor name.
    expectWeightsError(openBytes(dir, rawSafetensors("{\"\xff\xfe\":{}}", "")), {"not valid JSON"});
}

TEST(Safetensors, DeeplyNestedHeaderIsRefusedCheaply) {
    TempDir dir;
    std::string header = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    expectWeightsError(openBytes(dir, rawSafetensors(header, "")), {"nested deeper"});
}

TEST(Safetensors, OverlappingOffsets) {
    TempDir dir;
    const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(header, std::string(12, 'x'))),
                       {"tensor 'b'", "overlaps", "'a'"});
    // Two tensors sharing the same bytes.
    const std::string alias = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(alias, std::string(8, 'x'))), {"overlaps"});
}

TEST(Safetensors, GapBetweenSpans) {
    TempDir dir;
    const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(header, std::string(12, 'x'))),
                       {"tensor 'b'", "gap of 4"});
    // The first tensor does not begin at 0.
    const std::string late = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(late, std::string(8, 'x'))), {"gap of 4"});
}

TEST(Safetensors, EndIsNotFileEnd) {
    TempDir dir;
    expectWeightsError(openBytes(dir, rawSafetensors(kTensorHeader, std::string(16, 'x'))),
                       {"model.safetensors", "4 bytes of trailing data"});
    expectWeightsError(openBytes(dir, rawSafetensors("{}", "x")), {"trailing data"});
}

TEST(Safetensors, ValidSpansInAnyHeaderOrder) {
    TempDir dir;
    const std::string header = R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},)"
                               R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    auto store = openBytes(dir, rawSafetensors(header, std::string(12, 'x')));
    ASSERT_TRUE(store.hasValue()) << store.error().message();
    EXPECT_EQ(store->size(), 2u);
}

TEST(Safetensors, ShapeWhoseByteSizeOverflows) {
    TempDir dir;
    // 2^32 · 2^32 elements overflow in the element count...
    const std::string numel =
        R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(numel, "")), {"tensor 'w'", "overflows"});
    // ... 2^62 elements of 4 bytes in the byte count (wrapping to 0 would match [0,0]).
    const std::string bytes =
        R"({"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(bytes, "")), {"tensor 'w'", "overflows"});
    const std::string tooBig =
        R"({"w":{"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,0]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(tooBig, "")), {"too large"});
    const std::string beyondU64 =
        R"({"w":{"dtype":"U8","shape":[99999999999999999999999],"data_offsets":[0,0]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(beyondU64, "")), {"not a whole number"});
}

TEST(Safetensors, NegativeOrFractionalDimensions) {
    TempDir dir;
    const std::string neg = R"({"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,0]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(neg, "")), {"tensor 'w'", "negative"});
    const std::string frac = R"({"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,10]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(frac, std::string(10, 'x'))),
                       {"not a whole number"});
    const std::string str = R"({"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(str, std::string(8, 'x'))), {"shape"});
}

TEST(Safetensors, DuplicateTensorNames) {
    TempDir dir;
    const std::string header = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                               R"("w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(header, std::string(8, 'x'))),
                       {"model.safetensors", "tensor 'w' appears twice"});
    const std::string field =
        R"({"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(field, std::string(4, 'x'))),
                       {"'dtype' appears twice"});
}

TEST(Safetensors, UnknownDtype) {
    TempDir dir;
    const std::string header = R"({"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(header, std::string(16, 'x'))),
                       {"tensor 'w'", "unknown dtype", "F128"});
    const std::string num = R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(num, std::string(4, 'x'))), {"dtype"});
}

TEST(Safetensors, BadDataOffsets) {
    TempDir dir;
    const std::string reversed = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(reversed, std::string(4, 'x'))),
                       {"tensor 'w'", "after end"});
    const std::string three = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(three, std::string(4, 'x'))),
                       {"data_offsets"});
    const std::string negative = R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(negative, std::string(4, 'x'))),
                       {"data_offsets"});
    const std::string missing = R"({"w":{"dtype":"F32","shape":[1]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(missing, std::string(4, 'x'))),
                       {"data_offsets"});
    const std::string sizeMismatch = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})";
    expectWeightsError(openBytes(dir, rawSafetensors(sizeMismatch, std::string(4, 'x'))),
                       {"tensor 'w'", "needs 8 bytes", "hold 4"});
}

TEST(Safetensors, BadEntriesAndMetadata) {
    TempDir dir;
    expectWeightsError(openBytes(dir, rawSafetensors(R"({"w":[1,2]})", "")),
                       {"tensor 'w'", "not a JSON object"});
    expectWeightsError(openBytes(dir, rawSafetensors(R"({"__metadata__":{"k":1}})", "")),
                       {"__metadata__", "'k'", "not a string"});
    expectWeightsError(openBytes(dir, rawSafetensors(R"({"__metadata__":[]})", "")),
                       {"__metadata__"});
}

TEST(Safetensors, ParseInMemory) {
    const std::string bytes = rawSafetensors(kTensorHeader, std::string(12, 'x'));
    auto parsed =
        parseSafetensors(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size(), "mem");
    ASSERT_TRUE(parsed.hasValue()) << parsed.error().message();
    EXPECT_EQ(parsed->dataOffset, 8 + kTensorHeader.size());
    ASSERT_EQ(parsed->tensors.size(), 2u);
    EXPECT_EQ(parsed->tensors[1].data,
              reinterpret_cast<const std::byte*>(bytes.data()) + parsed->dataOffset + 8);
    auto none = parseSafetensors(nullptr, 0, "mem");
    ASSERT_FALSE(none.hasValue());
}

// Every input kept in the fuzz corpus (seeds and any past crash) gives a value or an error.
TEST(Safetensors, FuzzCorpusIsHandled) {
    const std::filesystem::path corpus = std::filesystem::path(VISTAG_TEST_DATA_DIR).parent_path() /
                                         "fuzz" / "corpus" / "safetensors";
    size_t n = 0, valid = 0;
    for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        auto parsed = parseSafetensors(reinterpret_cast<const std::byte*>(bytes.data()),
                                       bytes.size(), entry.path().filename().string());
        valid += parsed.hasValue();
        if (!parsed.hasValue()) {
            EXPECT_EQ(parsed.error().code(), ErrorCode::Weights);
            EXPECT_FALSE(parsed.error().message().empty());
        }
        ++n;
    }
    EXPECT_GE(n, 7u);
    EXPECT_GE(valid, 3u);  // valid_two, empty, scalar
}

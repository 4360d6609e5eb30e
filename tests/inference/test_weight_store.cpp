// Model folders: model.safetensors, or shards listed by model.safetensors.index.json.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <initializer_list>

#include "vistag/inference/safetensors.h"
#include "weights_test_util.h"

using namespace vistag::inference;
using namespace vistag::testing;

namespace {

void expectError(const Expected<WeightStore>& result, std::initializer_list<const char*> fragments,
                 ErrorCode code = ErrorCode::Weights) {
    ASSERT_FALSE(result.hasValue()) << "expected an error";
    EXPECT_EQ(result.error().code(), code);
    for (const char* f : fragments) {
        EXPECT_NE(result.error().message().find(f), std::string::npos)
            << "message lacks \"" << f << "\": " << result.error().message();
    }
}

// Two shards: s1 = {a, b}, s2 = {c}.
void writeShards(const TempDir& dir) {
    writeFile(dir.file("model-00001-of-00002.safetensors"),
              validSafetensors({{"a", "BF16", {2, 2}}, {"b", "F16", {3}}}));
    writeFile(dir.file("model-00002-of-00002.safetensors"), validSafetensors({{"c", "F32", {5}}}));
}

void writeIndex(const TempDir& dir, const std::string& weightMap) {
    writeFile(dir.file("model.safetensors.index.json"),
              R"({"metadata":{"total_size":34},"weight_map":)" + weightMap + "}");
}

const std::string kGoodMap = R"({"a":"model-00001-of-00002.safetensors",)"
                             R"("b":"model-00001-of-00002.safetensors",)"
                             R"("c":"model-00002-of-00002.safetensors"})";

}  // namespace

TEST(WeightStore, SingleFileFolder) {
    TempDir dir;
    writeFile(dir.file("model.safetensors"), validSafetensors({{"w", "F32", {2}}}));
    auto store = WeightStore::openFolder(dir.path().string());
    ASSERT_TRUE(store.hasValue()) << store.error().message();
    EXPECT_EQ(store->names(), std::vector<std::string>{"w"});
}

TEST(WeightStore, ShardedFolder) {
    TempDir dir;
    writeShards(dir);
    writeIndex(dir, kGoodMap);
    auto store = WeightStore::openFolder(dir.path().string());
    ASSERT_TRUE(store.hasValue()) << store.error().message();
    EXPECT_EQ(store->names(), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(store->files().size(), 2u);
    EXPECT_EQ(store->totalBytes(), 8u + 6u + 20u);
    EXPECT_EQ(store->find("a")->dtype, DType::BF16);
    EXPECT_EQ(store->find("b")->dtype, DType::F16);
    EXPECT_EQ(store->find("c")->shape, std::vector<int64_t>{5});
    EXPECT_EQ(store->find("c")->file, (dir.path() / "model-00002-of-00002.safetensors").string());
    EXPECT_EQ(static_cast<int>(store->find("c")->data[2]), 17);
}

TEST(WeightStore, IndexTakesPrecedenceOverASingleFile) {
    TempDir dir;
    writeShards(dir);
    writeIndex(dir, kGoodMap);
    writeFile(dir.file("model.safetensors"), "garbage");
    auto store = WeightStore::openFolder(dir.path().string());
    ASSERT_TRUE(store.hasValue()) << store.error().message();
}

TEST(WeightStore, NotAFolderOrNoWeights) {
    TempDir dir;
    expectError(WeightStore::openFolder(dir.file("absent")), {"absent", "not a folder"},
                ErrorCode::ModelFolder);
    expectError(WeightStore::openFolder(dir.path().string()),
                {"no model.safetensors and no model.safetensors.index.json"});
    writeShards(dir);
    expectError(WeightStore::openFolder(dir.path().string()), {"without the index"});
}

TEST(WeightStore, IndexPointsToMissingShard) {
    TempDir dir;
    writeShards(dir);
    writeIndex(dir, R"({"a":"model-00001-of-00002.safetensors","c":"model-00003.safetensors"})");
    expectError(WeightStore::openFolder(dir.path().string()),
                {"model.safetensors.index.json", "tensor 'c'", "model-00003.safetensors",
                 "does not exist"});
}

TEST(WeightStore, IndexPathTraversalIsRefused) {
    TempDir dir;
    writeShards(dir);
    for (const char* path :
         {"../model-00001-of-00002.safetensors", "/etc/passwd", "sub/../../x.safetensors",
          "./model-00001-of-00002.safetensors", "", "a\\\\..\\\\b"}) {
        writeIndex(dir, std::string(R"({"a":")") + path + "\"}");
        expectError(WeightStore::openFolder(dir.path().string()),
                    {"tensor 'a'", "not a plain file inside the model folder"});
    }
}

TEST(WeightStore, ShardsInASubfolderAreFine) {
    TempDir dir;
    std::filesystem::create_directory(dir.path() / "shards");
    writeFile(dir.file("shards/one.safetensors"), validSafetensors({{"a", "F32", {1}}}));
    writeIndex(dir, R"({"a":"shards/one.safetensors"})");
    auto store = WeightStore::openFolder(dir.path().string());
    ASSERT_TRUE(store.hasValue()) << store.error().message();
}

TEST(WeightStore, ListedTensorMissingFromItsShard) {
    TempDir dir;
    writeShards(dir);
    writeIndex(dir, R"({"a":"model-00001-of-00002.safetensors",)"
                    R"("zzz":"model-00001-of-00002.safetensors"})");
    expectError(WeightStore::openFolder(dir.path().string()),
                {"tensor 'zzz'", "listed in shard 'model-00001-of-00002.safetensors'",
                 "no shard holds it"});
    // Listed for the wrong shard.
    writeIndex(dir, R"({"a":"model-00001-of-00002.safetensors",)"
                    R"("b":"model-00002-of-00002.safetensors",)"
                    R"("c":"model-00002-of-00002.safetensors"})");
    expectError(WeightStore::openFolder(dir.path().string()),
                {"tensor 'b'", "listed in shard 'model-00002-of-00002.safetensors'",
                 "model-00001-of-00002.safetensors instead"});
}

TEST(WeightStore, TensorInTwoShards) {
    TempDir dir;
    writeFile(dir.file("s1.safetensors"), validSafetensors({{"a", "F32", {1}}, {"b", "F32", {1}}}));
    writeFile(dir.file("s2.safetensors"), validSafetensors({{"b", "F32", {1}}}));
    writeIndex(dir, R"({"a":"s1.safetensors","b":"s2.safetensors"})");
    expectError(WeightStore::openFolder(dir.path().string()),
                {"tensor 'b'", "two shards", "s1.safetensors", "s2.safetensors"});
}

TEST(WeightStore, HostileShardIsReportedByName) {
    TempDir dir;
    writeShards(dir);
    std::string bad = validSafetensors({{"c", "F32", {5}}});
    bad.resize(bad.size() - 1);
    writeFile(dir.file("model-00002-of-00002.safetensors"), bad);
    writeIndex(dir, kGoodMap);
    expectError(WeightStore::openFolder(dir.path().string()),
                {"model-00002-of-00002.safetensors", "tensor 'c'", "truncated"});
}

TEST(WeightStore, MalformedIndex) {
    TempDir dir;
    writeShards(dir);
    writeFile(dir.file("model.safetensors.index.json"), "{not json");
    expectError(WeightStore::openFolder(dir.path().string()),
                {"model.safetensors.index.json", "not valid JSON"});
    writeFile(dir.file("model.safetensors.index.json"), R"({"metadata":{}})");
    expectError(WeightStore::openFolder(dir.path().string()), {"weight_map"});
    writeFile(dir.file("model.safetensors.index.json"), R"([1])");
    expectError(WeightStore::openFolder(dir.path().string()), {"weight_map"});
    writeIndex(dir, R"({"a":3})");
    expectError(WeightStore::openFolder(dir.path().string()), {"tensor 'a'", "not a file name"});
    writeIndex(dir, R"({})");
    expectError(WeightStore::openFolder(dir.path().string()), {"weight_map is empty"});
    writeIndex(dir, R"({"a":"model-00001-of-00002.safetensors",)"
                    R"("a":"model-00002-of-00002.safetensors"})");
    expectError(WeightStore::openFolder(dir.path().string()), {"'a' appears twice"});
}

TEST(WeightStore, FifoIsRefusedWithoutHanging) {
    TempDir dir;
    ASSERT_EQ(::mkfifo(dir.file("model.safetensors").c_str(), 0600), 0);
    expectError(WeightStore::openFolder(dir.path().string()), {"not a regular file"});
}

TEST(WeightStore, SymlinkedFilesAreFollowed) {
    // The Hugging Face cache: snapshots/<rev>/model.safetensors -> ../../blobs/<sha>.
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "blobs");
    std::filesystem::create_directories(dir.path() / "snapshots" / "rev");
    writeFile(dir.file("blobs/abc"), validSafetensors({{"w", "F32", {1}}}));
    std::filesystem::create_symlink("../../blobs/abc",
                                    dir.path() / "snapshots" / "rev" / "model.safetensors");
    auto store = WeightStore::openFolder((dir.path() / "snapshots" / "rev").string());
    ASSERT_TRUE(store.hasValue()) << store.error().message();
    EXPECT_NE(store->find("w"), nullptr);
}

// config.json, generation_config.json and the image processor settings.
#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "vistag/inference/model_config.h"
#include "weights_test_util.h"

using namespace vistag::inference;
using namespace vistag::testing;
using json = nlohmann::json;

namespace {

const std::string kData = VISTAG_TEST_DATA_DIR;

json readJson(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
}

json config2B() {
    return readJson(kData + "/configs/Qwen3-VL-2B-Instruct.config.json");
}

// The 5.x form of a 4.57 config, as transformers 5 saves it.
json toV5(json cfg) {
    json& tc = cfg["text_config"];
    json rp = tc["rope_scaling"];
    rp["rope_theta"] = tc["rope_theta"];
    tc.erase("rope_scaling");
    tc.erase("rope_theta");
    tc["rope_parameters"] = rp;
    cfg["vision_config"]["model_type"] = "qwen3_vl_vision";
    return cfg;
}

template <typename T>
void expectFolderError(const Expected<T>& result, std::initializer_list<const char*> fragments) {
    ASSERT_FALSE(result.hasValue()) << "expected an error";
    EXPECT_EQ(result.error().code(), ErrorCode::ModelFolder);
    for (const char* f : fragments) {
        EXPECT_NE(result.error().message().find(f), std::string::npos)
            << "message lacks \"" << f << "\": " << result.error().message();
    }
}

}  // namespace

TEST(ModelConfig, Real2B) {
    auto cfg = ModelConfig::load(kData + "/configs/Qwen3-VL-2B-Instruct.config.json");
    ASSERT_TRUE(cfg.hasValue()) << cfg.error().message();
    const TextConfig& t = cfg->text;
    EXPECT_EQ(t.vocabSize, 151936);
    EXPECT_EQ(t.hiddenSize, 2048);
    EXPECT_EQ(t.intermediateSize, 6144);
    EXPECT_EQ(t.numHiddenLayers, 28);
    EXPECT_EQ(t.numAttentionHeads, 16);
    EXPECT_EQ(t.numKeyValueHeads, 8);
    EXPECT_EQ(t.headDim, 128);
    EXPECT_DOUBLE_EQ(t.rmsNormEps, 1e-6);
    EXPECT_DOUBLE_EQ(t.ropeTheta, 5000000.0);
    EXPECT_EQ(t.mropeSection, (std::vector<int64_t>{24, 20, 20}));
    EXPECT_TRUE(t.mropeInterleaved);
    EXPECT_EQ(t.maxPositionEmbeddings, 262144);
    EXPECT_EQ(t.bosTokenId, 151643);
    EXPECT_EQ(t.eosTokenId, 151645);
    const VisionConfig& v = cfg->vision;
    EXPECT_EQ(v.depth, 24);
    EXPECT_EQ(v.hiddenSize, 1024);
    EXPECT_EQ(v.intermediateSize, 4096);
    EXPECT_EQ(v.numHeads, 16);
    EXPECT_EQ(v.headDim(), 64);
    EXPECT_EQ(v.outHiddenSize, 2048);
    EXPECT_EQ(v.numPositionEmbeddings, 2304);
    EXPECT_EQ(v.patchSize, 16);
    EXPECT_EQ(v.temporalPatchSize, 2);
    EXPECT_EQ(v.spatialMergeSize, 2);
    EXPECT_EQ(v.inChannels, 3);
    EXPECT_EQ(v.deepstackVisualIndexes, (std::vector<int64_t>{5, 11, 17}));
    EXPECT_EQ(cfg->imageTokenId, 151655);
    EXPECT_EQ(cfg->videoTokenId, 151656);
    EXPECT_EQ(cfg->visionStartTokenId, 151652);
    EXPECT_EQ(cfg->visionEndTokenId, 151653);
    EXPECT_TRUE(cfg->tieWordEmbeddings);
    EXPECT_EQ(cfg->dtype, "bfloat16");
    EXPECT_EQ(cfg->ropeForm, "rope_scaling");
}

TEST(ModelConfig, Real4BAnd8B) {
    auto b4 = ModelConfig::load(kData + "/configs/Qwen3-VL-4B-Instruct.config.json");
    ASSERT_TRUE(b4.hasValue()) << b4.error().message();
    EXPECT_EQ(b4->text.hiddenSize, 2560);
    EXPECT_EQ(b4->text.numAttentionHeads, 32);
    EXPECT_EQ(b4->text.numHiddenLayers, 36);
    EXPECT_TRUE(b4->tieWordEmbeddings);
    EXPECT_EQ(b4->vision.outHiddenSize, 2560);

    auto b8 = ModelConfig::load(kData + "/configs/Qwen3-VL-8B-Instruct.config.json");
    ASSERT_TRUE(b8.hasValue()) << b8.error().message();
    EXPECT_EQ(b8->text.hiddenSize, 4096);
    EXPECT_EQ(b8->text.intermediateSize, 12288);
    EXPECT_FALSE(b8->tieWordEmbeddings);
    EXPECT_EQ(b8->vision.depth, 27);
    EXPECT_EQ(b8->vision.hiddenSize, 1152);
    EXPECT_EQ(b8->vision.headDim(), 72);
    EXPECT_EQ(b8->vision.intermediateSize, 4304);
    EXPECT_EQ(b8->vision.deepstackVisualIndexes, (std::vector<int64_t>{8, 16, 24}));
}

TEST(ModelConfig, BothRopeFormsGiveTheSameConfig) {
    auto v4 = ModelConfig::fromJson(config2B());
    auto v5 = ModelConfig::fromJson(toV5(config2B()));
    ASSERT_TRUE(v4.hasValue()) << v4.error().message();
    ASSERT_TRUE(v5.hasValue()) << v5.error().message();
    EXPECT_EQ(v5->ropeForm, "rope_parameters");
    EXPECT_DOUBLE_EQ(v5->text.ropeTheta, 5000000.0);
    EXPECT_EQ(v5->text.mropeSection, v4->text.mropeSection);
    EXPECT_EQ(v5->text.ropeType, "default");

    json custom = toV5(config2B());
    custom["text_config"]["rope_parameters"]["rope_theta"] = 1000000.0;
    custom["text_config"]["rope_parameters"]["mrope_section"] = {16, 24, 24};
    auto c = ModelConfig::fromJson(custom);
    ASSERT_TRUE(c.hasValue()) << c.error().message();
    EXPECT_DOUBLE_EQ(c->text.ropeTheta, 1000000.0);
    EXPECT_EQ(c->text.mropeSection, (std::vector<int64_t>{16, 24, 24}));

    json legacyType = config2B();
    legacyType["text_config"]["rope_scaling"].erase("rope_type");
    legacyType["text_config"]["rope_scaling"]["type"] = "mrope";
    EXPECT_TRUE(ModelConfig::fromJson(legacyType).hasValue());
}

TEST(ModelConfig, DefaultsWhenOptionalKeysAreAbsent) {
    json cfg = config2B();
    for (const char* k : {"head_dim", "rope_scaling", "rope_theta", "num_key_value_heads",
                          "rms_norm_eps", "max_position_embeddings", "tie_word_embeddings"}) {
        cfg["text_config"].erase(k);
    }
    for (const char* k : {"num_position_embeddings", "patch_size", "deepstack_visual_indexes"}) {
        cfg["vision_config"].erase(k);
    }
    cfg["vision_config"]["depth"] = 27;  // the default deepstack indexes reach block 24
    for (const char* k : {"image_token_id", "tie_word_embeddings", "dtype"}) {
        cfg.erase(k);
    }
    cfg["torch_dtype"] = "float16";
    auto c = ModelConfig::fromJson(cfg);
    ASSERT_TRUE(c.hasValue()) << c.error().message();
    EXPECT_EQ(c->text.headDim, 128);
    EXPECT_EQ(c->text.numKeyValueHeads, 16);
    EXPECT_EQ(c->text.mropeSection, (std::vector<int64_t>{24, 20, 20}));
    EXPECT_DOUBLE_EQ(c->text.ropeTheta, 5000000.0);
    EXPECT_EQ(c->text.maxPositionEmbeddings, 128000);
    EXPECT_EQ(c->vision.numPositionEmbeddings, 2304);
    EXPECT_EQ(c->vision.deepstackVisualIndexes, (std::vector<int64_t>{8, 16, 24}));
    EXPECT_EQ(c->imageTokenId, 151655);
    EXPECT_FALSE(c->tieWordEmbeddings);
    EXPECT_EQ(c->dtype, "float16");
    EXPECT_EQ(c->ropeForm, "");
}

TEST(ModelConfig, TopLevelTieWins) {
    json cfg = config2B();
    cfg["tie_word_embeddings"] = false;
    EXPECT_FALSE(ModelConfig::fromJson(cfg)->tieWordEmbeddings);
    cfg.erase("tie_word_embeddings");
    EXPECT_TRUE(ModelConfig::fromJson(cfg)->tieWordEmbeddings);  // text_config's true
    cfg["text_config"]["tie_word_embeddings"] = false;
    cfg["tie_word_embeddings"] = true;
    EXPECT_TRUE(ModelConfig::fromJson(cfg)->tieWordEmbeddings);
}

TEST(ModelConfig, WrongModelType) {
    json cfg = config2B();
    cfg["model_type"] = "qwen2_5_vl";
    expectFolderError(ModelConfig::fromJson(cfg), {"config.json", "qwen2_5_vl", "qwen3_vl"});
    cfg["model_type"] = "qwen3_vl_moe";
    expectFolderError(ModelConfig::fromJson(cfg), {"qwen3_vl_moe"});
    cfg.erase("model_type");
    expectFolderError(ModelConfig::fromJson(cfg), {"no \"model_type\""});
    expectFolderError(ModelConfig::fromJson(json::array()), {"not a JSON object"});
}

TEST(ModelConfig, MissingOrMistypedFields) {
    json cfg = config2B();
    cfg["text_config"].erase("hidden_size");
    expectFolderError(ModelConfig::fromJson(cfg), {"text_config", "\"hidden_size\"", "missing"});
    cfg = config2B();
    cfg["vision_config"].erase("depth");
    expectFolderError(ModelConfig::fromJson(cfg), {"vision_config", "\"depth\"", "missing"});
    cfg = config2B();
    cfg.erase("text_config");
    expectFolderError(ModelConfig::fromJson(cfg), {"text_config"});
    cfg = config2B();
    cfg["text_config"]["hidden_size"] = "2048";
    expectFolderError(ModelConfig::fromJson(cfg),
                      {"\"hidden_size\" should be a whole number", "\"2048\""});
    cfg = config2B();
    cfg["text_config"]["num_hidden_layers"] = 28.5;
    expectFolderError(ModelConfig::fromJson(cfg), {"num_hidden_layers"});
    cfg = config2B();
    cfg["text_config"]["rope_scaling"]["mrope_section"] = "24,20,20";
    expectFolderError(ModelConfig::fromJson(cfg), {"rope_scaling", "mrope_section"});
    cfg = config2B();
    cfg["tie_word_embeddings"] = "yes";
    expectFolderError(ModelConfig::fromJson(cfg), {"tie_word_embeddings", "true or false"});
}

TEST(ModelConfig, InconsistentShapes) {
    auto expectBad = [](json cfg, std::initializer_list<const char*> fragments) {
        expectFolderError(ModelConfig::fromJson(cfg), fragments);
    };
    json cfg = config2B();
    cfg["text_config"]["num_key_value_heads"] = 5;
    expectBad(cfg, {"num_attention_heads (16)", "num_key_value_heads (5)"});
    cfg = config2B();
    cfg["vision_config"]["num_heads"] = 3;
    expectBad(cfg, {"vision_config", "num_heads"});
    cfg = config2B();
    cfg["vision_config"]["num_position_embeddings"] = 2300;
    expectBad(cfg, {"2300", "perfect square"});
    cfg = config2B();
    cfg["vision_config"]["deepstack_visual_indexes"] = {5, 11, 24};
    expectBad(cfg, {"deepstack_visual_indexes", "24", "depth is 24"});
    cfg = config2B();
    cfg["vision_config"]["deepstack_visual_indexes"] = {-1};
    expectBad(cfg, {"deepstack_visual_indexes"});
    cfg = config2B();
    cfg["text_config"]["rope_scaling"]["mrope_section"] = {24, 20, 21};
    expectBad(cfg, {"mrope_section sums to 65", "head_dim / 2 = 64"});
    cfg = config2B();
    cfg["text_config"]["rope_scaling"]["mrope_section"] = {32, 32};
    expectBad(cfg, {"mrope_section must have 3 entries"});
    cfg = config2B();
    cfg["vision_config"]["out_hidden_size"] = 1024;
    expectBad(cfg, {"out_hidden_size 1024", "hidden_size 2048"});
    cfg = config2B();
    cfg["text_config"]["hidden_size"] = 0;
    expectBad(cfg, {"hidden_size", "outside"});
    cfg = config2B();
    cfg["text_config"]["intermediate_size"] = int64_t{1} << 62;
    expectBad(cfg, {"intermediate_size", "outside"});
    cfg = config2B();
    cfg["image_token_id"] = 200000;
    expectBad(cfg, {"image_token_id", "200000"});
    cfg = config2B();
    cfg["text_config"]["rope_scaling"]["rope_type"] = "yarn";
    expectBad(cfg, {"rope type 'yarn'"});
}

TEST(ModelConfig, FolderAndFileErrors) {
    TempDir dir;
    expectFolderError(ModelConfig::loadFolder(dir.path().string()),
                      {"config.json", "file not found"});
    writeFile(dir.file("config.json"), "{\"model_type\": ");
    expectFolderError(ModelConfig::loadFolder(dir.path().string()),
                      {"config.json", "not valid JSON"});
    writeFile(dir.file("config.json"), toV5(config2B()).dump());
    EXPECT_TRUE(ModelConfig::loadFolder(dir.path().string()).hasValue());
}

TEST(GenerationConfig, InstructFile) {
    auto g = GenerationConfig::load(kData + "/qwen3-vl/generation_config.json");
    ASSERT_TRUE(g.hasValue()) << g.error().message();
    EXPECT_TRUE(g->fromFile);
    EXPECT_EQ(g->eosTokenIds, (std::vector<int64_t>{151645, 151643}));
    EXPECT_EQ(g->bosTokenId, 151643);
    EXPECT_EQ(g->padTokenId, 151643);
    EXPECT_TRUE(g->doSample);
    EXPECT_DOUBLE_EQ(g->temperature, 0.7);
    EXPECT_DOUBLE_EQ(g->topP, 0.8);
    EXPECT_EQ(g->topK, 20);
    EXPECT_DOUBLE_EQ(g->repetitionPenalty, 1.0);
    EXPECT_FALSE(g->presencePenalty.has_value());
    EXPECT_FALSE(g->maxNewTokens.has_value());
}

TEST(GenerationConfig, ScalarEosOptionalFieldsAndErrors) {
    auto g = GenerationConfig::fromJson(
        json{{"eos_token_id", 7}, {"presence_penalty", 1.5}, {"max_new_tokens", 16384}});
    ASSERT_TRUE(g.hasValue()) << g.error().message();
    EXPECT_EQ(g->eosTokenIds, std::vector<int64_t>{7});
    EXPECT_EQ(g->presencePenalty, 1.5);
    EXPECT_EQ(g->maxNewTokens, 16384);
    EXPECT_FALSE(g->doSample);
    EXPECT_EQ(g->topK, 50);
    expectFolderError(GenerationConfig::fromJson(json{{"eos_token_id", "x"}}), {"eos_token_id"});
    expectFolderError(GenerationConfig::fromJson(json{{"top_p", 1.5}}), {"top_p"});
    expectFolderError(GenerationConfig::fromJson(json{{"temperature", -1}}), {"temperature"});
    expectFolderError(GenerationConfig::fromJson(json{{"top_k", "20"}}), {"top_k"});
}

TEST(GenerationConfig, AbsentFileGivesDefaults) {
    TempDir dir;
    ModelConfig model = *ModelConfig::fromJson(config2B());
    auto g = GenerationConfig::loadFolder(dir.path().string(), &model);
    ASSERT_TRUE(g.hasValue()) << g.error().message();
    EXPECT_FALSE(g->fromFile);
    EXPECT_EQ(g->eosTokenIds, std::vector<int64_t>{151645});
    EXPECT_EQ(g->bosTokenId, 151643);
    EXPECT_DOUBLE_EQ(g->temperature, 1.0);
}

TEST(PreprocessorConfig, LegacyFile) {
    TempDir dir;
    writeFile(dir.file("preprocessor_config.json"),
              readJson(kData + "/qwen3-vl/preprocessor_config.json").dump());
    auto p = PreprocessorConfig::loadFolder(dir.path().string());
    ASSERT_TRUE(p.hasValue()) << p.error().message();
    EXPECT_EQ(p->minPixels, 65536);
    EXPECT_EQ(p->maxPixels, 16777216);
    EXPECT_EQ(p->patchSize, 16);
    EXPECT_EQ(p->temporalPatchSize, 2);
    EXPECT_EQ(p->mergeSize, 2);
    EXPECT_EQ(p->imageMean, (std::vector<double>{0.5, 0.5, 0.5}));
    EXPECT_EQ(p->imageStd, (std::vector<double>{0.5, 0.5, 0.5}));
    EXPECT_DOUBLE_EQ(p->rescaleFactor, 1.0 / 255.0);
    EXPECT_TRUE(p->doResize && p->doRescale && p->doNormalize && p->doConvertRgb);
    EXPECT_NE(p->source.find("preprocessor_config.json"), std::string::npos);
}

TEST(PreprocessorConfig, NestedProcessorConfigWins) {
    TempDir dir;
    json ip = {{"size", {{"shortest_edge", 1024}, {"longest_edge", 4096}}},
               {"patch_size", 14},
               {"image_mean", {0.1, 0.2, 0.3}},
               {"do_normalize", false}};
    writeFile(dir.file("processor_config.json"),
              json{{"image_processor", ip}, {"processor_class", "Qwen3VLProcessor"}}.dump());
    writeFile(dir.file("preprocessor_config.json"), R"({"patch_size": 16})");
    auto p = PreprocessorConfig::loadFolder(dir.path().string());
    ASSERT_TRUE(p.hasValue()) << p.error().message();
    EXPECT_EQ(p->minPixels, 1024);
    EXPECT_EQ(p->maxPixels, 4096);
    EXPECT_EQ(p->patchSize, 14);
    EXPECT_EQ(p->imageMean, (std::vector<double>{0.1, 0.2, 0.3}));
    EXPECT_FALSE(p->doNormalize);
    EXPECT_NE(p->source.find("image_processor"), std::string::npos);
}

TEST(PreprocessorConfig, LegacyPixelKeysOverrideSize) {
    auto p = PreprocessorConfig::fromJson(
        json{{"size", {{"shortest_edge", 1024}, {"longest_edge", 4096}}}, {"max_pixels", 8192}},
        "preprocessor_config.json");
    ASSERT_TRUE(p.hasValue()) << p.error().message();
    EXPECT_EQ(p->minPixels, 1024);
    EXPECT_EQ(p->maxPixels, 8192);
}

TEST(PreprocessorConfig, DefaultsAndErrors) {
    TempDir dir;
    auto p = PreprocessorConfig::loadFolder(dir.path().string());
    ASSERT_TRUE(p.hasValue());
    EXPECT_EQ(p->minPixels, 65536);
    EXPECT_EQ(p->patchSize, 16);
    EXPECT_EQ(p->source, "");
    expectFolderError(PreprocessorConfig::fromJson(json{{"image_std", {0.5, 0.0, 0.5}}}, "p"),
                      {"image_std"});
    expectFolderError(PreprocessorConfig::fromJson(json{{"image_mean", {0.5}}}, "p"), {"3 values"});
    expectFolderError(
        PreprocessorConfig::fromJson(json{{"min_pixels", 10}, {"max_pixels", 5}}, "p"),
        {"pixel limits"});
    expectFolderError(PreprocessorConfig::fromJson(json{{"size", 5}}, "p"), {"\"size\""});
    expectFolderError(PreprocessorConfig::fromJson(json{{"patch_size", 0}}, "p"), {"patch_size"});
}

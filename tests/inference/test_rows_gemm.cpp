// The few-row logits kernel against at::mm: shapes with and without a tail in K and N, 1 to 19
// rows (several row groups), and the cases it declines.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "model/rows_gemm.h"

namespace vistag::inference::model {
namespace {

void expectMatchesMm(int64_t R, int64_t K, int64_t N) {
    at::manual_seed(R * 1000 + K + N);
    at::Tensor x = at::randn({R, K});
    at::Tensor w = at::randn({N, K});
    std::optional<at::Tensor> got = rowsTimesWeightT(x, w);
    ASSERT_TRUE(got.has_value()) << "needs AVX2 + FMA";
    at::Tensor want = at::mm(x.to(at::kDouble), w.to(at::kDouble).t());
    const double scale = want.abs().max().item<double>();
    const double err = (got->to(at::kDouble) - want).abs().max().item<double>();
    EXPECT_LE(err, 1e-5 * scale) << R << "x" << K << " by " << N;
    EXPECT_EQ(got->sizes(), (at::IntArrayRef{R, N}));
}

TEST(RowsGemm, MatchesMatrixProduct) {
    for (int64_t R : {1, 2, 3, 7, 8, 9, 16, 19})
        for (auto [K, N] :
             {std::pair<int64_t, int64_t>{512, 4099}, {64, 33}, {37, 1000}, {2048, 257}, {5, 3}})
            expectMatchesMm(R, K, N);
}

TEST(RowsGemm, SameBitsWhateverTheThreads) {
    at::manual_seed(7);
    at::Tensor x = at::randn({8, 512});
    at::Tensor w = at::randn({10000, 512});
    const int before = at::get_num_threads();
    at::set_num_threads(1);
    at::Tensor one = *rowsTimesWeightT(x, w);
    at::set_num_threads(std::max(2, before));
    at::Tensor many = *rowsTimesWeightT(x, w);
    at::set_num_threads(before);
    EXPECT_TRUE(at::equal(one, many));
    // Row r's result does not depend on which other rows share the call.
    EXPECT_TRUE(at::equal(*rowsTimesWeightT(x.narrow(0, 3, 1), w), one.narrow(0, 3, 1)));
}

TEST(RowsGemm, DeclinesWhatItDoesNotHandle) {
    at::Tensor w = at::randn({100, 64});
    EXPECT_FALSE(rowsTimesWeightT(at::randn({4, 64}, at::kDouble), w.to(at::kDouble)));
    EXPECT_FALSE(rowsTimesWeightT(at::randn({4, 64}).to(at::kBFloat16), w.to(at::kBFloat16)));
    EXPECT_FALSE(rowsTimesWeightT(at::randn({4, 64}), w.t()));  // not contiguous
    EXPECT_FALSE(rowsTimesWeightT(at::randn({4, 32}), w));      // widths differ
}

}  // namespace
}  // namespace vistag::inference::model

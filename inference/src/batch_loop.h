// The continuous batch behind Engine::submit(), private to the engine. A thread of the engine's
// own admits waiting requests between decode steps, decodes every running sequence in one
// forward (model/batch_decode.h), samples each row with its own parameters, and retires
// sequences that stop, are cancelled or reach their token limit, freeing their slot.
//
// By concern:
//   engine_batch.cpp   the queue, the thread's loop, delivery of results, Engine's batch API;
//   batch_admit.cpp    admission: the cache's slots, preparing requests, vision for all of
//                      them in one call, a request too long for a slot run alone;
//   batch_prefill.cpp  the prefill of one admitted request into its slot;
//   batch_step.cpp     the decode step over every running row, and retirement.
// Each row's per-token work (sampling, the tag constraint, streaming, stop rules) is a
// Sequence (sequence.h), the same type the one-sequence path uses.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "engine_impl.h"
#include "model/batch_decode.h"
#include "sequence.h"

namespace vistag::inference {

struct RequestHandle::State {
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false};
    std::mutex m;
    std::condition_variable cv;
    std::optional<Expected<GenerateResult>> result;
};

class BatchLoop {
public:
    using Clock = std::chrono::steady_clock;

    explicit BatchLoop(Engine::Impl& e);
    ~BatchLoop();

    std::shared_ptr<RequestHandle> submit(GenerateRequest req, TokenCallback onToken,
                                          DoneCallback onDone);
    void cancelAll();
    BatchStatus status() const;

private:
    struct Waiting {
        GenerateRequest req;
        TokenCallback onToken;
        DoneCallback onDone;
        std::shared_ptr<RequestHandle::State> state;
        uint64_t seq = 0;
        Clock::time_point submitted;
    };
    struct Row {
        Waiting w;
        PreparedRequest prep;
        int64_t length = 0;  // cache positions filled
        int64_t ropeDelta = 0;
        std::optional<Sequence> seq;  // from the prefill on
        Clock::time_point firstToken;
    };
    struct Outcome {
        Waiting w;
        std::optional<Expected<GenerateResult>> result;
    };

    void main();
    bool allocate();
    void admit(std::vector<Waiting> candidates);
    // Prefills an admitted row into the free slot `slot` (vision rows `visionFrom` onward of
    // `vision`, or a vision call of its own when that is null) and takes its first token.
    void prefill(Row row, int64_t slot, const model::VisionOutput* vision, int64_t visionFrom,
                 int64_t imageTokens, double visionMs);
    void decodeStep();
    // A request longer than a slot: the one-sequence path, on this thread.
    void runAlone(Waiting& w);
    void retire(int64_t slot, const std::string& reason);
    void failRow(int64_t slot, Status s);
    void deliver();
    int32_t runningCount() const;
    void publish();

    Engine::Impl& e_;
    std::thread thread_;
    mutable std::mutex m_;  // guards waiting_, live_, stopping_, status_
    std::condition_variable cv_;
    std::deque<Waiting> waiting_;
    // Every request submitted and not yet delivered, wherever it is (waiting, being admitted,
    // running): what cancelAll() reaches. Each is kept alive by its Waiting or Row.
    std::unordered_set<RequestHandle::State*> live_;
    bool stopping_ = false;
    uint64_t nextSeq_ = 0;
    BatchStatus status_;

    // Batch thread only.
    model::SlotCache cache_;
    model::BatchDecodeRunner decoder_;
    std::vector<std::optional<Row>> rows_;  // index = slot
    std::vector<Outcome> outcomes_;         // finished, to deliver outside the compute lock
    std::optional<Status> allocError_;
    int32_t admitCap_ = std::numeric_limits<int32_t>::max();  // lowered after out-of-memory
    bool poisonFreed_ = false;
};

// What a request that never ran, or ran until a cancel, answers.
GenerateResult cancelledResult(int64_t vocab);

inline double msBetween(BatchLoop::Clock::time_point a, BatchLoop::Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace vistag::inference
